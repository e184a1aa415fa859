import { useBaton } from '../store/index.ts';
import type { View } from '../store/ui.ts';
import { FileButton } from './FileButton.tsx';
import { NewPlanButton } from './NewPlanDialog.tsx';

const VIEWS: { view: View; label: string }[] = [
  { view: 'plans', label: 'Plans' },
  { view: 'approvals', label: 'Approvals' },
  { view: 'agents', label: 'Agents' },
  { view: 'projects', label: 'Projects' },
  { view: 'memory', label: 'Build logs' },
];

export function Sidebar() {
  const view = useBaton((s) => s.view);
  const setView = useBaton((s) => s.setView);
  const plans = useBaton((s) => s.plans);
  const selected = useBaton((s) => s.selectedPlanId);
  const selectPlan = useBaton((s) => s.selectPlan);
  const importPlan = useBaton((s) => s.importPlan);
  const connection = useBaton((s) => s.connection);
  const waiting = useBaton((s) => s.pending.length);
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="logo" aria-hidden>
          ◆
        </span>{' '}
        Baton
        <span
          role="img"
          className={`conn conn-${connection}`}
          title={`Connection: ${connection}`}
          aria-label={`Connection ${connection}`}
        />
      </div>
      <nav aria-label="Sections">
        {VIEWS.map((v) => (
          <button
            key={v.view}
            type="button"
            className={`nav${view === v.view ? ' active' : ''}`}
            aria-current={view === v.view ? 'page' : undefined}
            onClick={() => setView(v.view)}
            aria-label={v.view === 'approvals' && waiting > 0 ? `Approvals, ${waiting} pending` : v.label}
          >
            {v.label}
            {v.view === 'approvals' && waiting > 0 && <span className="badge">{waiting}</span>}
          </button>
        ))}
      </nav>
      <div className="sidebar-section">
        <h2>Plans</h2>
        <div className="actions">
          <NewPlanButton />
          <FileButton label="Import…" inputLabel="Plan file" onFile={importPlan} />
        </div>
      </div>
      <ul className="plan-list" aria-label="Plans">
        {plans.map((p) => (
          <li key={p.plan_id}>
            <button
              type="button"
              className={`plan-item${p.plan_id === selected && view === 'plans' ? ' active' : ''}`}
              aria-current={p.plan_id === selected ? 'true' : undefined}
              onClick={() => selectPlan(p.plan_id)}
            >
              <span className="plan-name">{p.name}</span>
              <span className="muted small">
                {p.task_count} task{p.task_count === 1 ? '' : 's'} · v{p.version}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </aside>
  );
}
