import { useEffect, useState } from 'react';
import type { PreparedContext } from '../../../../src-shared/contract/domains/work.ts';
import type { TaskRun } from '../../../../src-shared/schemas/run.ts';
import { api } from '../../api/client.ts';
import { useBaton } from '../../store/index.ts';
import { BuildsOn } from '../approvals/BuildsOn.tsx';
import { RelativeTime } from '../shared/RelativeTime.tsx';
import { taskKey } from '../shared/task-key.ts';
import { GiveBackDialog, ReassignDialog } from './HandoffDialogs.tsx';
import { readFiles } from './read-files.ts';

/**
 * A task you hold: what it asks and what it builds on, on the left; your answer, files and the
 * two ends (complete, fail) on the right, as an approval card is answered.
 */
export function HeldTask({ task, onFinish }: { task: TaskRun; onFinish(key: string): void }) {
  const finish = useBaton((s) => s.finishTask);
  const fail = useBaton((s) => s.fail);
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [handing, setHanding] = useState<'reassign' | 'give-back' | null>(null);
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
    <li className="card split" aria-label={`Task ${task.task_id} in progress`} tabIndex={-1}>
      <div className="card-main">
        <div className="card-head">
          <strong>{task.task_id}</strong>
          <span className="pill status-in_progress">In progress</span>
        </div>
        {spec && (
          <>
            <p>{spec.description}</p>
            <p className="small muted">
              plan {context.run.plan_id} · run <code>{task.run_id}</code> · {spec.priority}
              {task.started_at && (
                <>
                  {' · '}
                  <RelativeTime at={task.started_at} prefix="taken" />
                </>
              )}
              {spec.deadline && (
                <>
                  {' · '}
                  <RelativeTime at={spec.deadline} prefix="due" />
                </>
              )}
            </p>
            <BuildsOn taskId={task.task_id} dependencies={context.dependencies} />
          </>
        )}
      </div>
      <div className="card-decide">
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
        <p className="small muted handoff-line">
          Cannot do it?{' '}
          <button type="button" className="link" onClick={() => setHanding('give-back')}>
            Give back…
          </button>{' '}
          or{' '}
          <button type="button" className="link" onClick={() => setHanding('reassign')}>
            Reassign…
          </button>
        </p>
        {handing && (
          <HandOn
            task={task}
            description={spec?.description ?? ''}
            skills={spec?.required_skills ?? []}
            what={handing}
            onClose={() => setHanding(null)}
          />
        )}
      </div>
    </li>
  );
}

/** The dialog that gives back or reassigns the held task. */
function HandOn({
  task,
  description,
  skills,
  what,
  onClose,
}: {
  task: TaskRun;
  description: string;
  skills: string[];
  what: 'reassign' | 'give-back';
  onClose(): void;
}) {
  const handed = { ...task, description, required_skills: skills, held_by: task.agent_id };
  return what === 'reassign' ? (
    <ReassignDialog task={handed} onClose={onClose} />
  ) : (
    <GiveBackDialog task={handed} onClose={onClose} />
  );
}
