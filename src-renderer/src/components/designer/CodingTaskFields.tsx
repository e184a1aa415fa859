import { DEFAULT_FIX_ROUNDS } from '../../../../src-shared/schemas/checks.ts';
import { taskSpecSchema } from '../../../../src-shared/schemas/plan.ts';
import type { Check, TaskDraft } from '../../designer/plan-edit.ts';
import { fieldProblem } from '../../designer/plan-edit.ts';
import { useBaton } from '../../store/index.ts';
import { NumberField, SelectField, TextField } from './FormFields.tsx';
import { WorkspaceField } from './WorkspaceField.tsx';

/** "test, lint" → ["test", "lint"]; "none" → [] (no checks); empty → all of them (no field). */
function checksOfText(text: string): string[] | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t.toLowerCase() === 'none') return [];
  return t.split(/[\s,]+/).filter(Boolean);
}

/**
 * What a task given to a coding agent needs: the workspace its worktree comes from (its own, or
 * the plan's), whether a person reviews its diff, what happens when its dependencies'
 * branches do not merge, and which of the workspace's checks run after it, how many fix rounds
 * they get and what happens when they still fail.
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
  patch(p: Partial<Omit<TaskDraft, 'task_id'>>): void;
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
      <TextField
        label="Workspace checks"
        value={task.checks === undefined ? '' : task.checks.length === 0 ? 'none' : task.checks.join(', ')}
        placeholder="All of the workspace's"
        error={problem('checks', 'Workspace checks')}
        onCommit={(v) => patch({ checks: checksOfText(v) })}
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
    </>
  );
}
