import { useShallow } from 'zustand/react/shallow';
import { DEFAULT_FIX_ROUNDS } from '../../../../src-shared/schemas/checks.ts';
import { taskSpecSchema } from '../../../../src-shared/schemas/plan.ts';
import {
  candidateCycle,
  toggledCandidates,
  toggledChecks,
  withAttempts,
} from '../../designer/coding-fields.ts';
import type { Check, TaskDraft } from '../../designer/plan-edit.ts';
import { fieldProblem } from '../../designer/plan-edit.ts';
import { useBaton } from '../../store/index.ts';
import { RouteLink } from '../shared/RouteLink.tsx';
import { CheckboxesField } from './CheckboxesField.tsx';
import { NumberField, SelectField, TextField } from './FormFields.tsx';
import { WorkspaceField } from './WorkspaceField.tsx';

/** "test, lint" → ["test", "lint"]; "none" → [] (no checks); empty → all of them (no field). */
function checksOfText(text: string): string[] | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t.toLowerCase() === 'none') return [];
  return t.split(/[\s,]+/).filter(Boolean);
}

type Patch = (p: Partial<Omit<TaskDraft, 'task_id'>>, merge?: string) => void;

/**
 * What a task given to a coding agent needs: the workspace its worktree comes from (its own, or
 * the plan's), whether a person reviews its diff, what happens when its dependencies'
 * branches do not merge, which of the workspace's checks run after it, how many fix rounds
 * they get and what happens when they still fail, and best of N (candidates side by side, their
 * agents, a judge).
 */
export function CodingTaskFields({
  task,
  index,
  checks,
  patch,
}: {
  task: TaskDraft;
  index: number;
  checks: Check[];
  patch: Patch;
}) {
  const planWorkspace = useBaton((s) => s.draft?.workspace);
  // The pinned agent's own review, which the task's default follows.
  const agentReview = useBaton((s) => {
    const a = task.agent === undefined ? undefined : s.agents.find((x) => x.id === task.agent);
    return a?.kind === 'coding' ? (a.review ?? 'none') : null;
  });
  const problem = (field: string, label: string) => fieldProblem(checks, `tasks[${index}].${field}`, label);
  const byAgent =
    agentReview === null
      ? 'As its agent says'
      : `As ${task.agent} says (${agentReview === 'diff' ? 'review' : 'no review'})`;
  return (
    <>
      <WorkspaceField
        label="Workspace"
        value={task.workspace}
        noneLabel={planWorkspace ? `The plan's (${planWorkspace})` : 'None: set one here or on the plan'}
        hint="The git repository a coding agent works in, in a worktree of its own for this task."
        error={problem('workspace', 'Workspace')}
        onChange={(v) => patch({ workspace: v })}
      />
      <SelectField
        label="Review"
        value={task.review ?? ''}
        error={problem('review', 'Review')}
        hint={
          task.review === 'diff'
            ? 'After each attempt its diff waits in Approvals; "request changes" resumes the same session.'
            : task.review === 'none'
              ? 'The task is done when the attempt is.'
              : "The coding agent's own setting decides."
        }
        onChange={(v) => patch({ review: (v || undefined) as TaskDraft['review'] })}
      >
        <option value="">{byAgent}</option>
        <option value="diff">A person reviews the diff</option>
        <option value="none">No review</option>
      </SelectField>
      <SelectField
        label="On conflict"
        value={task.on_conflict ?? 'fail'}
        error={problem('on_conflict', 'On conflict')}
        hint={
          task.on_conflict === 'ask'
            ? "When its dependencies' branches do not merge, a person resolves it in Approvals."
            : "When its dependencies' branches do not merge, the attempt fails naming the files."
        }
        // Failing is what a task without the field does: choosing it leaves the field out.
        onChange={(v) => patch({ on_conflict: v === 'ask' ? 'ask' : undefined })}
      >
        <option value="fail">Fail, naming the files</option>
        <option value="ask">Ask a person to resolve</option>
      </SelectField>
      <ChecksChoice
        task={task}
        planWorkspace={planWorkspace}
        error={problem('checks', 'Checks')}
        patch={patch}
      />
      <NumberField
        label="Fix rounds"
        value={task.fix_rounds}
        placeholder={`${DEFAULT_FIX_ROUNDS} (failing checks back to the agent)`}
        schema={taskSpecSchema.shape.fix_rounds}
        error={problem('fix_rounds', 'Fix rounds')}
        onCommit={(v) => patch({ fix_rounds: v })}
      />
      <SelectField
        label="On checks failed"
        value={task.on_checks_failed ?? 'fail'}
        error={problem('on_checks_failed', 'On checks failed')}
        hint={
          task.on_checks_failed === 'review'
            ? 'After the last fix round, its diff waits in Approvals with the red checks marked.'
            : 'After the last fix round, the attempt fails naming the checks.'
        }
        // Failing is what a task without the field does: choosing it leaves the field out.
        onChange={(v) => patch({ on_checks_failed: v === 'review' ? 'review' : undefined })}
      >
        <option value="fail">Fail, naming the checks</option>
        <option value="review">A person reviews the diff</option>
      </SelectField>
      <BestOfFields task={task} problem={problem} patch={patch} />
    </>
  );
}

/**
 * The checks run after each attempt, chosen among the workspace's (all of them by default, those
 * added later too); as names typed when the workspace is not known here.
 */
function ChecksChoice({
  task,
  planWorkspace,
  error,
  patch,
}: {
  task: TaskDraft;
  planWorkspace: string | undefined;
  error: string | null;
  patch: Patch;
}) {
  const id = task.workspace ?? planWorkspace;
  const ws = useBaton((s) => (id === undefined ? undefined : s.workspaces.find((w) => w.id === id)));
  if (!ws)
    return (
      <TextField
        label="Checks"
        value={task.checks === undefined ? '' : task.checks.length === 0 ? 'none' : task.checks.join(', ')}
        placeholder="All of the workspace's"
        error={error}
        onCommit={(v) => patch({ checks: checksOfText(v) })}
      />
    );
  const all = (ws.checks ?? []).map((c) => c.name);
  if (all.length === 0 && (task.checks ?? []).length === 0)
    return (
      <p className="field-hint checks-none">
        Checks: workspace {ws.id} has none yet.{' '}
        <RouteLink to={{ screen: 'workspaces' }} className="link">
          Add checks on the Workspaces screen
        </RouteLink>{' '}
        (a test or lint command run after each attempt; a failing one goes back to the agent).
      </p>
    );
  const chosen = new Set(task.checks ?? all);
  const commands = new Map((ws.checks ?? []).map((c) => [c.name, c.command.join(' ')]));
  const extra = (task.checks ?? []).filter((c) => !all.includes(c));
  return (
    <CheckboxesField
      label="Checks"
      choices={[
        ...all.map((name) => ({ value: name, label: name, note: commands.get(name) })),
        ...extra.map((name) => ({ value: name, label: name, note: `(not a check of ${ws.id})` })),
      ]}
      chosen={chosen}
      error={error}
      hint={
        task.checks === undefined
          ? `All of ${ws.id}'s checks, run in the worktree after the agent (those added later too).`
          : task.checks.length === 0
            ? 'No checks run after this task.'
            : `Run in the worktree after the agent; a failing one goes back to it.`
      }
      onToggle={(name, on) => patch({ checks: toggledChecks(task.checks, all, name, on) })}
    />
  );
}

/** Best of N: how many candidates run side by side, the agents they cycle through, and a judge for a tie. */
function BestOfFields({
  task,
  problem,
  patch,
}: {
  task: TaskDraft;
  problem(field: string, label: string): string | null;
  patch: Patch;
}) {
  const coders = useBaton(useShallow((s) => s.agents.filter((a) => a.kind === 'coding').map((a) => a.id)));
  const judges = useBaton(useShallow((s) => s.agents.filter((a) => a.kind === 'llm').map((a) => a.id)));
  const n = task.attempts ?? 1;
  const chosen = new Set(task.candidates ?? []);
  const strangers = (task.candidates ?? []).filter((c) => !coders.includes(c));
  return (
    <div className="best-of-fields">
      <NumberField
        label="Best of"
        value={task.attempts}
        placeholder="1 (one attempt)"
        schema={taskSpecSchema.shape.attempts}
        error={problem('attempts', 'Best of')}
        hint={
          n > 1
            ? `${n} candidates run side by side, each in its own worktree with its checks; the best is the task's work (checks, then the judge, the smaller diff, the cost, fewer fix rounds).`
            : 'Candidates run side by side, each with its checks, and the best is kept: 2 to 8.'
        }
        onCommit={(v, merge) => patch(withAttempts(v), merge)}
      />
      {n > 1 && (
        <>
          <CheckboxesField
            label="Candidates' agents"
            choices={[
              ...coders.map((id) => ({ value: id, label: id })),
              ...strangers.map((id) => ({ value: id, label: id, note: '(not a coding agent)' })),
            ]}
            chosen={chosen}
            error={problem('candidates', "Candidates' agents")}
            hint={`${candidateCycle(n, task.candidates)}.`}
            onToggle={(id, on) => patch({ candidates: toggledCandidates(task.candidates, coders, id, on) })}
          />
          <SelectField
            label="Judge"
            value={task.judge ?? ''}
            error={problem('judge', 'Judge')}
            hint={
              task.judge
                ? `${task.judge} picks between candidates whose checks tie.`
                : judges.length === 0
                  ? 'No llm agent is registered: a tie goes to the smaller diff.'
                  : 'None: a tie on the checks goes to the smaller diff.'
            }
            onChange={(v) => patch({ judge: v || undefined })}
          >
            <option value="">None</option>
            {judges.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
            {task.judge && !judges.includes(task.judge) && (
              <option value={task.judge}>{task.judge} (not an llm agent)</option>
            )}
          </SelectField>
        </>
      )}
    </div>
  );
}
