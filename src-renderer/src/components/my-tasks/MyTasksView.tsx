import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PreparedContext, PulledTask } from '../../../../src-shared/contract/domains/work.ts';
import type { TaskRun } from '../../../../src-shared/schemas/run.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { BuildsOn } from '../approvals/BuildsOn.tsx';
import { taskKey } from '../shared/task-key.ts';
import { useFocusAfterRemoval } from '../shared/use-focus-after-removal.ts';
import { readFiles } from './read-files.ts';

/** The tasks of the human agent you are: take one, then complete it with an answer, or fail it. */
export function MyTasksView() {
  const identity = useBaton((s) => s.identity);
  const humans = useBaton(useShallow((s) => s.agents.filter((a) => a.kind === 'human')));
  const me = humans.find((h) => h.id === identity?.agentId);
  const changeIdentity = useBaton((s) => s.changeIdentity);
  const inbox = useBaton((s) => s.inbox);
  const loadInbox = useBaton((s) => s.loadInbox);
  useEffect(() => {
    void loadInbox();
  }, [loadInbox]);
  const keys = useMemo(() => [...inbox.in_progress, ...inbox.ready].map(taskKey), [inbox]);
  const focus = useFocusAfterRemoval(keys);
  const count = inbox.ready.length + inbox.in_progress.length;
  return (
    <div className="page">
      <header className="plan-head">
        <div>
          <h1>My tasks</h1>
          <p className="muted small">
            Tasks that wait for a person: take one, then complete it with an answer (and files), or fail it.
          </p>
        </div>
      </header>
      <section className="inbox" aria-label="My tasks">
        {me ? (
          <>
            <h2 ref={focus.heading} tabIndex={-1}>
              Tasks for {me.name ?? me.id} ({count})
            </h2>
            {count === 0 && (
              <p className="muted">
                No tasks for {me.name ?? me.id} right now. A task that needs{' '}
                {me.skills.length > 0 ? me.skills.join(', ') : 'what they do'} comes here once its run reaches
                it, and the sidebar counts it.
              </p>
            )}
            <ul className="cards" ref={focus.list}>
              {inbox.in_progress.map((t) => (
                <HeldTask key={taskKey(t)} task={t} onFinish={focus.removing} />
              ))}
              {inbox.ready.map((t) => (
                <ReadyTask key={taskKey(t)} task={t} />
              ))}
            </ul>
          </>
        ) : (
          <div className="empty">
            <p>
              {humans.length === 0
                ? 'Tasks come here for agents of kind “human”: register one on the Agents screen (a person, with skills), and say it is you.'
                : identity
                  ? `You are ${identity.name}, who is none of the human agents (${humans.map((h) => h.name ?? h.id).join(', ')}). Say which one you are to see their tasks.`
                  : `Say who you are to see your tasks: ${humans.map((h) => h.name ?? h.id).join(', ')}.`}
            </p>
            {humans.length > 0 && (
              <button type="button" className="primary" onClick={changeIdentity}>
                Choose who you are…
              </button>
            )}
          </div>
        )}
      </section>
    </div>
  );
}

function ReadyTask({ task }: { task: PulledTask }) {
  const take = useBaton((s) => s.takeTask);
  return (
    <li className="card" aria-label={`Task ${task.task_id} to take`} tabIndex={-1}>
      <div className="card-head">
        <strong>{task.task_id}</strong>
        <span className="pill status-ready">{task.priority}</span>
      </div>
      <p>{task.description}</p>
      <p className="small muted">
        plan {task.plan_id} · run <code>{task.run_id}</code>
        {task.deadline && ` · due ${new Date(task.deadline).toLocaleString()}`}
      </p>
      <div className="actions">
        <button type="button" className="primary" onClick={() => take(task)}>
          Take it
        </button>
      </div>
    </li>
  );
}

function HeldTask({ task, onFinish }: { task: TaskRun; onFinish(key: string): void }) {
  const finish = useBaton((s) => s.finishTask);
  const fail = useBaton((s) => s.fail);
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  // What the person needs to do the task: the task itself and what its dependencies produced.
  const [context, setContext] = useState<PreparedContext | null>(null);
  useEffect(() => {
    if (!task.agent_id) return;
    api
      .taskContext(task.agent_id, task.run_id, task.task_id)
      .then(setContext, (err) => fail(`Could not load what ${task.task_id} builds on`, err));
  }, [task.agent_id, task.run_id, task.task_id, fail]);
  const spec = context?.task;
  return (
    <li className="card" aria-label={`Task ${task.task_id} in progress`} tabIndex={-1}>
      <div className="card-head">
        <strong>{task.task_id}</strong>
        <span className="pill status-in_progress">In progress</span>
      </div>
      {spec && (
        <>
          <p>{spec.description}</p>
          <p className="small muted">
            plan {context.run.plan_id} · run <code>{task.run_id}</code> · {spec.priority}
            {spec.deadline && ` · due ${new Date(spec.deadline).toLocaleString()}`}
          </p>
          <BuildsOn taskId={task.task_id} dependencies={context.dependencies} />
        </>
      )}
      <label className="small">
        Your answer
        <textarea
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={`Answer for ${task.task_id}`}
        />
      </label>
      <label className="small">
        Files (they become the task's artifacts, handed to what depends on it)
        <input
          type="file"
          multiple
          aria-label={`Files for ${task.task_id}`}
          onChange={(e) => setFiles([...(e.target.files ?? [])])}
        />
      </label>
      <div className="actions">
        <button
          type="button"
          onClick={() => {
            onFinish(taskKey(task));
            void finish(task, false, text);
          }}
        >
          Fail
        </button>
        <button
          type="button"
          className="primary"
          onClick={() =>
            void readFiles(files).then(
              (read) => {
                onFinish(taskKey(task));
                return finish(task, true, text, read);
              },
              (err) => fail('Could not read the files', err),
            )
          }
        >
          Complete
        </button>
      </div>
    </li>
  );
}
