import { useEffect, useMemo, useState } from 'react';
import type { Artifact, Run, TaskRun } from '../../../../../src-shared/schemas/run.ts';
import type { CodingOutput } from '../../../../../src-shared/schemas/workspace.ts';
import { api } from '../../../api/client.ts';
import { DIFF_ARTIFACT, splitUnifiedDiff } from '../../../approvals/diff-review.ts';
import { reviewFiles } from '../../../approvals/review-files.ts';
import type { WorkPlace } from '../../../coding/work-place.ts';
import { placeFolder, terminalCommand, workPlace } from '../../../coding/work-place.ts';
import { counted } from '../../../format/plural.ts';
import { useBaton } from '../../../store/index.ts';
import { ChangedFiles } from '../../approvals/diff/ChangedFiles.tsx';
import { DiffPane } from '../../approvals/diff/DiffPane.tsx';
import { CopyButton } from '../../shared/CopyButton.tsx';

const NO_COMMENTS: never[] = [];

/**
 * A coding task's changes as a view of the task (not a file to download): its branch and commit,
 * where the work is on this machine with Copy path and a terminal command (the worktree's *Open in
 * editor* and *Take over* are the panel's, while it is on disk), and the diff, read only (the
 * accepted diff stays readable here after its review).
 */
export function TaskChanges({
  task,
  run,
  out,
  artifacts,
}: {
  task: TaskRun;
  run: Run;
  out: CodingOutput;
  artifacts: readonly Artifact[];
}) {
  const session = useBaton((s) => s.sessions[run.id]?.find((x) => x.task_id === task.task_id));
  const loadSessions = useBaton((s) => s.loadSessions);
  const hasSessions = useBaton((s) => s.sessions[run.id] !== undefined);
  const repo = useBaton((s) => s.workspaces.find((w) => w.id === out.workspace_id)?.path);
  useEffect(() => {
    if (!hasSessions) void loadSessions(run.id);
  }, [hasSessions, loadSessions, run.id]);
  const place = workPlace(task.task_id, session, out, repo);
  const diffId = artifacts.filter((a) => a.name === DIFF_ARTIFACT).at(-1)?.id ?? null;
  return (
    <div className="task-changes">
      <p className="small">
        Branch <code>{out.branch}</code> at <code>{out.commit.slice(0, 10)}</code> ·{' '}
        {counted(out.files.length, 'file')} changed, <span className="review-add">+{out.additions}</span>{' '}
        <span className="review-del">−{out.deletions}</span>
      </p>
      {place && <WorkHere place={place} />}
      <TaskDiff diffId={diffId} out={out} />
    </div>
  );
}

/** Copy the work's path, or a command for a terminal there. */
function WorkHere({ place }: { place: WorkPlace }) {
  const folder = placeFolder(place);
  return (
    <fieldset className="work-here" aria-label="Where the work is">
      <p className="small work-where">
        {place.kind === 'worktree' ? (
          <>
            Its worktree: <code>{place.dir}</code>
          </>
        ) : (
          <>
            Its worktree is gone; the work is on branch <code>{place.branch}</code> of{' '}
            <code>{place.repo}</code>
          </>
        )}
      </p>
      <div className="actions">
        <CopyButton text={() => folder} label="Copy path" what={`the path ${folder}`} />
        <CopyButton
          text={() => terminalCommand(place)}
          label="Copy terminal command"
          what="the command that opens a terminal there"
        />
      </div>
      <p className="muted small work-where">
        {place.kind === 'worktree'
          ? 'Paste the command in a terminal to work there, or open the worktree in an editor or a terminal inside Baton (Take over) from the task’s actions above.'
          : 'The command makes a worktree of the branch beside the repository (your checkout is not switched) and goes into it.'}
      </p>
    </fieldset>
  );
}

type DiffRead = { state: 'loading' } | { state: 'error'; message: string } | { state: 'ready'; text: string };

/** The task's diff (`changes.diff`), its files listed and one shown at a time, read only. */
function TaskDiff({ diffId, out }: { diffId: number | null; out: CodingOutput }) {
  const [read, setRead] = useState<DiffRead>({ state: 'loading' });
  useEffect(() => {
    if (diffId === null) return;
    let live = true;
    setRead({ state: 'loading' });
    api.readArtifact(diffId).then(
      (r) =>
        live &&
        setRead(
          r.encoding === 'utf8'
            ? { state: 'ready', text: r.content }
            : { state: 'error', message: 'not text' },
        ),
      (err: unknown) =>
        live && setRead({ state: 'error', message: err instanceof Error ? err.message : String(err) }),
    );
    return () => {
      live = false;
    };
  }, [diffId]);
  const list = useMemo(
    () => (read.state === 'ready' ? reviewFiles(out.files, splitUnifiedDiff(read.text)) : []),
    [read, out.files],
  );
  const [picked, setPicked] = useState<string | null>(null);
  if (diffId === null) return <p className="muted small">The attempt changed nothing: there is no diff.</p>;
  if (read.state === 'loading') return <p className="muted small">Reading the diff…</p>;
  if (read.state === 'error')
    return <p className="field-error small">The diff could not be read: {read.message}</p>;
  const file = list.find((f) => f.path === picked) ?? list[0];
  if (!file) return null;
  return (
    <div className="diff-body task-diff">
      <ChangedFiles files={list} picked={file} onPick={setPicked} comments={NO_COMMENTS} />
      <DiffPane file={file} viewed="unviewed" comments={NO_COMMENTS} onRemove={() => {}} />
    </div>
  );
}
