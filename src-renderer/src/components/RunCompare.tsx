import { useEffect, useRef, useState } from 'react';
import type { Run, RunDetail, TaskRun } from '../../../src-shared/schemas/run.ts';
import { api } from '../api/client.ts';
import { durationBetween } from '../format/duration.ts';
import { useBaton } from '../store/index.ts';
import { STATUS_LABEL } from './status-label.ts';

const duration = (t: TaskRun | undefined) =>
  t?.started_at && t.finished_at ? durationBetween(t.started_at, t.finished_at) : '—';
const brief = (v: unknown) => {
  if (v === null || v === undefined) return '—';
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
};

/** Two runs of the same plan side by side: per task status, agent, duration, cost and output. */
export function RunCompare({ runs, order }: { runs: Run[]; order: string[] }) {
  const fail = useBaton((s) => s.fail);
  const [a, setA] = useState(runs[1]?.id ?? runs[0]?.id ?? '');
  const [b, setB] = useState(runs[0]?.id ?? '');
  const [details, setDetails] = useState<Record<string, RunDetail>>({});
  // Each run is fetched once, also while the other one is still on its way.
  const requested = useRef(new Set<string>());
  useEffect(() => {
    for (const id of [a, b]) {
      if (!id || requested.current.has(id)) continue;
      requested.current.add(id);
      api.getRun(id).then(
        (d) => setDetails((prev) => ({ ...prev, [id]: d })),
        (err) => {
          requested.current.delete(id);
          fail(`Could not load run ${id}`, err);
        },
      );
    }
  }, [a, b, fail]);
  if (runs.length < 2) return <p className="muted centered">Run this plan twice to compare runs.</p>;
  const left = details[a];
  const right = details[b];
  const by = (d: RunDetail | undefined) => Object.fromEntries((d?.tasks ?? []).map((t) => [t.task_id, t]));
  const l = by(left);
  const r = by(right);
  const pick = (value: string, set: (v: string) => void, label: string) => (
    <select aria-label={label} value={value} onChange={(e) => set(e.target.value)}>
      {runs.map((run) => (
        <option key={run.id} value={run.id}>
          {new Date(run.created_at).toLocaleString()} · {run.status} · plan v{run.plan_version}
        </option>
      ))}
    </select>
  );
  return (
    <section className="compare" aria-label="Compare runs">
      <div className="actions">
        {pick(a, setA, 'First run')} <span className="muted">vs</span> {pick(b, setB, 'Second run')}
      </div>
      <table className="tasks" aria-label="Run comparison">
        <thead>
          <tr>
            <th scope="col">Task</th>
            <th scope="col">Status</th>
            <th scope="col">Agent</th>
            <th scope="col">Duration</th>
            <th scope="col">Cost</th>
            <th scope="col">Output</th>
          </tr>
        </thead>
        <tbody>
          {order.map((id) => {
            const x = l[id];
            const y = r[id];
            const differs =
              x?.status !== y?.status || JSON.stringify(x?.output) !== JSON.stringify(y?.output);
            return (
              <tr key={id} className={differs ? 'differs' : undefined}>
                <th scope="row">{id}</th>
                <td>
                  {x ? STATUS_LABEL[x.status] : '—'} / {y ? STATUS_LABEL[y.status] : '—'}
                </td>
                <td>
                  {x?.agent_id ?? '—'} / {y?.agent_id ?? '—'}
                </td>
                <td>
                  {duration(x)} / {duration(y)}
                </td>
                <td>
                  {x?.cost ?? 0} / {y?.cost ?? 0}
                </td>
                <td className="small">
                  <div>{brief(x?.output)}</div>
                  <div>{brief(y?.output)}</div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
