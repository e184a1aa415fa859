import { useEffect, useState } from 'react';
import type { Run, TaskRun } from '../../../../../src-shared/schemas/run.ts';
import type {
  EditorChoice,
  EditorsOnHost,
  WorktreePlace,
} from '../../../../../src-shared/schemas/worktrees.ts';
import { worktreesApi } from '../../../api/worktrees.ts';
import { useBaton } from '../../../store/index.ts';
import { CopyButton } from '../../shared/CopyButton.tsx';
import { RouteLink } from '../../shared/RouteLink.tsx';
import { WorktreePorts } from './WorktreePorts.tsx';

/**
 * A coding task's worktree while it is on disk (its run executing, or ended with it kept): its
 * folder to copy, *Open in editor* (the editor Settings names, else the first found on the PATH
 * of the person who started Baton, started by the host: in a browser, on Baton's machine), and
 * its block of ports with a link to each one something listens on (`WorktreePorts`).
 */
export function WorktreeTools({ task, run }: { task: TaskRun; run: Run }) {
  const session = useBaton((s) => s.sessions[run.id]?.find((x) => x.task_id === task.task_id));
  const fail = useBaton((s) => s.fail);
  const notify = useBaton((s) => s.notify);
  const [place, setPlace] = useState<WorktreePlace | null>(null);
  const [editors, setEditors] = useState<EditorsOnHost | null>(null);
  const [editor, setEditor] = useState<EditorChoice | null>(null);
  const onDisk = session !== undefined && session.state !== 'removed';
  const updated = session?.updated_at;
  useEffect(() => {
    // Read again whenever its session changes (kept, its next attempt).
    if (!onDisk || updated === undefined) return;
    let live = true;
    // Started in a promise: a client not connected yet is a rejection, not a throw in the effect.
    Promise.resolve()
      .then(() => worktreesApi.place(run.id, task.task_id))
      .then(
        (p) => live && setPlace(p),
        () => live && setPlace(null),
      );
    return () => {
      live = false;
    };
  }, [onDisk, run.id, task.task_id, updated]);
  useEffect(() => {
    if (!onDisk) return;
    let live = true;
    Promise.resolve()
      .then(() => worktreesApi.editors())
      .then(
        (e) => {
          if (!live) return;
          setEditors(e);
          setEditor((was) => was ?? e.chosen);
        },
        () => {},
      );
    return () => {
      live = false;
    };
  }, [onDisk]);
  if (!onDisk || !place) return null;
  const found = editors?.editors.filter((e) => e.program !== null) ?? [];
  const chosen = found.find((e) => e.id === editor) ?? found[0];
  const browser = typeof window === 'undefined' || window.baton === undefined;
  const open = () => {
    if (!chosen) return;
    worktreesApi.open({ run_id: run.id, task_id: task.task_id, editor: chosen.id }).then(
      () =>
        notify('info', `Opening ${chosen.name}`, [
          browser ? `on ${editors?.host}, where Baton runs` : place.path,
        ]),
      (err: unknown) => fail(`${chosen.name} did not open`, err),
    );
  };
  return (
    <section className="worktree-tools" aria-label={`Worktree of ${task.task_id}`}>
      <div className="worktree-path">
        <code title={place.path}>
          {/* Left to right inside the right-to-left box that keeps the path's end in view. */}
          {'\u200e'}
          {place.path}
        </code>
        <CopyButton text={() => place.path} label="Copy path" what="path" />
      </div>
      <div className="actions">
        {chosen ? (
          <>
            <button type="button" className="small" onClick={open}>
              Open in {chosen.id === 'files' ? 'file manager' : chosen.name}
            </button>
            {found.length > 1 && (
              <select
                aria-label="Editor"
                value={chosen.id}
                onChange={(e) => setEditor(found.find((x) => x.id === e.target.value)?.id ?? null)}
              >
                {found.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.id === 'files' ? 'File manager' : e.name}
                  </option>
                ))}
              </select>
            )}
          </>
        ) : (
          editors && (
            <span className="muted small">
              No editor found on Baton’s machine.{' '}
              <RouteLink to={{ screen: 'settings', tab: 'worktrees' }}>Set one in Settings</RouteLink>
            </span>
          )
        )}
      </div>
      {chosen && browser && editors && (
        <p className="muted small">
          Opens on <strong>{editors.host}</strong>, the machine Baton runs on, where the worktree is.
        </p>
      )}
      {place.ports && (
        <WorktreePorts runId={run.id} taskId={task.task_id} running={task.status === 'in_progress'} />
      )}
    </section>
  );
}
