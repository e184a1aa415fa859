import { useEffect, useState } from 'react';
import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { TaskRun } from '../../../src-shared/schemas/run.ts';
import { api } from '../api/client.ts';
import { useBaton } from '../store/index.ts';
import { ConfirmButton } from './ConfirmButton.tsx';
import { STATUS_LABEL } from './status-label.ts';

/** One task of a run: why this agent, what it did, what it left, and what you can do next. */
export function TaskDetail({ task, runFinished }: { task: TaskRun; runFinished: boolean }) {
  const detail = useBaton((s) => s.taskDetail);
  const close = useBaton((s) => s.selectRunTask);
  const cancel = useBaton((s) => s.cancelTask);
  const actor = useBaton((s) => s.actor);
  const rerun = useBaton((s) => s.rerunFrom);
  const ended = ['done', 'failed', 'cancelled', 'skipped', 'unassigned'].includes(task.status);
  const m = task.match;
  return (
    <section className="task-detail" aria-label={`Task ${task.task_id} details`}>
      <header className="run-head">
        <h2>
          {task.task_id} <span className={`pill status-${task.status}`}>{STATUS_LABEL[task.status]}</span>
        </h2>
        <button
          type="button"
          className="icon"
          aria-label="Close task details"
          onClick={() => close(task.run_id, null)}
        >
          ×
        </button>
      </header>
      <dl className="facts">
        <dt>Agent</dt>
        <dd>{task.agent_id ?? '—'}</dd>
        <dt>Attempt</dt>
        <dd>{task.attempt}</dd>
        {task.progress !== null && (
          <>
            <dt>Progress</dt>
            <dd>
              {task.progress}% {task.progress_message}
            </dd>
          </>
        )}
        {task.cost > 0 && (
          <>
            <dt>Cost</dt>
            <dd>{task.cost}</dd>
          </>
        )}
        {task.reason && (
          <>
            <dt>Why</dt>
            <dd>{task.reason}</dd>
          </>
        )}
        {task.error && (
          <>
            <dt>Error</dt>
            <dd className="field-error">{task.error}</dd>
          </>
        )}
      </dl>
      <div className="actions">
        {!ended && !runFinished && (
          <ConfirmButton
            label="Cancel task"
            question={`Cancel task ${task.task_id}?`}
            detail={`Its agent is stopped, and tasks that depend on it are skipped unless their condition accepts a cancelled task. The audit log records it as cancelled by ${actor.trim() || 'me'}.`}
            yes="Yes, cancel the task"
            no="Keep the task"
            onConfirm={() => cancel(task.run_id, task.task_id)}
          />
        )}
        {runFinished && (
          <button type="button" onClick={() => rerun(task.run_id, task.task_id)}>
            {task.status === 'failed' ? 'Retry in a new run' : 'Re-run from here'}
          </button>
        )}
      </div>
      {m && (
        <details open>
          <summary>Why this agent</summary>
          {m.score ? (
            <p className="small">
              {m.agent_id}: total {m.score.total} = 0.4 × skill fit {fmt(m.score.skill_fit)} + 0.25 × free
              capacity {fmt(m.score.free_capacity)} + 0.15 × cost {fmt(m.score.cost)} + 0.2 × success rate{' '}
              {fmt(m.score.success_rate)}
            </p>
          ) : (
            <p className="small muted">
              {m.agent_id ? `${m.agent_id} took it (pulled).` : 'No agent was chosen.'}
            </p>
          )}
          {m.rejected.length > 0 && (
            <ul className="small rejected" aria-label="Rejected agents">
              {m.rejected.map((r) => (
                <li key={r.agent_id}>
                  <strong>{r.agent_id}</strong>: {r.reason}
                  {r.score && (
                    <span className="muted">
                      {' '}
                      · score {r.score.total}: skill fit {fmt(r.score.skill_fit)}, free capacity{' '}
                      {fmt(r.score.free_capacity)}, cost {fmt(r.score.cost)}, success rate{' '}
                      {fmt(r.score.success_rate)}
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </details>
      )}
      {task.output !== null && task.output !== undefined && (
        <details>
          <summary>Output</summary>
          <pre>{JSON.stringify(task.output, null, 2)}</pre>
        </details>
      )}
      {detail && detail.progress.length > 0 && (
        <details>
          <summary>Progress history</summary>
          <ol className="small">
            {detail.progress.map((p) => (
              <li key={`${p.at}-${p.progress}`}>
                {new Date(p.at).toLocaleTimeString()} — {p.progress}% {p.message}
              </li>
            ))}
          </ol>
        </details>
      )}
      {detail && detail.artifacts.length > 0 && (
        <details open>
          <summary>Artifacts</summary>
          <ul className="small">
            {detail.artifacts.map((a) => (
              <li key={a.id}>
                <code>{a.name}</code> · {a.size} bytes · sha256 {a.sha256.slice(0, 12)}…
              </li>
            ))}
          </ul>
        </details>
      )}
      <TaskHistory task={task} />
      <details open>
        <summary>Log</summary>
        {detail === null ? (
          <p className="muted small">Loading…</p>
        ) : detail.logs.length === 0 ? (
          <p className="muted small">Nothing logged.</p>
        ) : (
          <pre className="log" title="Task log">
            {detail.logs
              .slice(-500)
              .map((l) => `${l.stream === 'stderr' ? '! ' : ''}${l.text}`)
              .join('\n')}
          </pre>
        )}
      </details>
    </section>
  );
}

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

/**
 * Every change of the task in this run, who made it and why (approvals with their comments):
 * read from the audit log when opened, and again when the task's status changes.
 */
function TaskHistory({ task }: { task: TaskRun }) {
  const fail = useBaton((s) => s.fail);
  const [open, setOpen] = useState(false);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  useEffect(() => {
    if (!open) return;
    let live = true;
    api.taskHistory(task.run_id, task.task_id).then(
      (e) => live && setEntries(e),
      (err) => fail(`Could not read the history of ${task.task_id}`, err),
    );
    return () => {
      live = false;
    };
  }, [open, task.run_id, task.task_id, task.status, fail]);
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>History</summary>
      {entries === null ? (
        <p className="muted small">Loading…</p>
      ) : (
        <ol className="small history" aria-label={`History of ${task.task_id}`}>
          {entries.map((e) => (
            <li key={e.id}>
              <span className="muted">{new Date(e.at).toLocaleTimeString()}</span>{' '}
              {e.entity === 'approval' ? 'approval' : `${e.from_status ?? '—'} → ${e.to_status ?? '—'}`} by{' '}
              <strong>{e.actor}</strong>: {e.why}
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}
