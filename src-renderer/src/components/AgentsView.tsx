import { useBaton } from '../store/index.ts';
import { FileButton } from './FileButton.tsx';

export function AgentsView() {
  const agents = useBaton((s) => s.agents);
  const importAgents = useBaton((s) => s.importAgents);
  return (
    <div className="page">
      <header className="plan-head">
        <div>
          <h1>Agents</h1>
          <p className="muted small">Who can take tasks: their skills, status and capacity.</p>
        </div>
        <FileButton label="Import agents…" inputLabel="Agents file" onFile={importAgents} primary />
      </header>
      {agents.length === 0 ? (
        <div className="empty">
          <p>
            No agents yet. Import an agents file, such as <code>resources/examples/agents.json</code>.
          </p>
        </div>
      ) : (
        <table className="tasks" aria-label="Agents">
          <thead>
            <tr>
              <th scope="col">Agent</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Capacity</th>
              <th scope="col">Skills</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.id}>
                <th scope="row">
                  {a.name ?? a.id}
                  {a.name && <div className="muted small">{a.id}</div>}
                </th>
                <td>{a.kind}</td>
                <td>
                  <span className={`pill agent-${a.status}`}>{a.status}</span>
                </td>
                <td>{a.max_concurrency}</td>
                <td>
                  {a.skills.map((s) => (
                    <span key={s} className="chip">
                      {s}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
