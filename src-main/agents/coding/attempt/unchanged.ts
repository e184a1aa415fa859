import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import type { Step, ToolCallStatus } from '../../../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import type { CodingContext, TaskContext } from '../../../engine/executor.ts';
import { branchTip } from '../workspaces/index.ts';

/**
 * An attempt that changed nothing: no file of its branch differs from where the branch started.
 * On a task whose diff a person reviews (`review: "diff"`, the task's or its agent's) there is
 * nothing to review and the work asked for was not done: the attempt fails, saying so and how
 * many of its tool calls failed, so the task's retries and notifications apply rather than a
 * person being asked to review an empty diff on the agent's word. A task where no change is
 * fine says `review: "none"`: it is done, and its log says it changed nothing. An attempt a
 * reviewer asked for changes that left the branch where that review saw it answered the review
 * without a change: its diff goes back to the reviewer with the agent's answer, never a failure.
 */

/** The latest status of each tool call an attempt made, as its steps come (a step again under its seq replaces it). */
export function toolCallTally() {
  const calls = new Map<string, ToolCallStatus>();
  return {
    see(s: Step): void {
      if (s.kind === 'tool_call') calls.set(s.call_id, s.status);
    },
    get counts(): { calls: number; failed: number; denied: number } {
      let failed = 0;
      let denied = 0;
      for (const st of calls.values()) {
        if (st === 'failed') failed++;
        else if (st === 'denied') denied++;
      }
      return { calls: calls.size, failed, denied };
    },
  };
}

/** What an attempt's tool calls came to, in words: "1 of 1 tool call failed", "it made no tool call". */
export function toolCallsSaid({
  calls,
  failed,
  denied,
}: {
  calls: number;
  failed: number;
  denied: number;
}): string {
  if (calls === 0) return 'it made no tool call';
  const of = `of ${calls} tool call${calls === 1 ? '' : 's'}`;
  const parts = [`${failed} ${of} failed`];
  if (denied > 0) parts.push(`${denied} denied`);
  return parts.join(', ');
}

/** Whether the task's diff waits for a person's review after an attempt (the task's `review`, else its agent's). */
export const diffReviewed = (task: TaskSpec, agent: CodingAgent): boolean =>
  (task.review ?? agent.review ?? 'none') === 'diff';

const MAX_CLAIM = 300;

/** Why an attempt on a reviewed task that changed nothing failed: the change, the tool calls, and the agent's own words. */
export function changedNothing(counts: Parameters<typeof toolCallsSaid>[0], summary: string): string {
  return `the attempt changed nothing: no file differs from where the task's branch started, so there is no diff to review (${toolCallsSaid(counts)})${claimOf(summary)}`;
}

/** What the agent claimed, cut short, as the end of a reason ("" when it said nothing). */
function claimOf(summary: string): string {
  const said = summary.trim().replace(/\s+/g, ' ');
  const claim = said.length > MAX_CLAIM ? `${said.slice(0, MAX_CLAIM)}…` : said;
  return claim ? `; the agent said: "${claim}"` : '';
}

/**
 * Where the task's branch is before an attempt that goes on after a request for changes on a
 * reviewed task (what that review saw), else null: nothing to compare with.
 */
export async function tipBeforeChanges(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  branch: string,
  signal: AbortSignal,
): Promise<string | null> {
  if (coding.resume?.reason !== 'changes_requested' || !diffReviewed(ctx.task, ctx.agent)) return null;
  try {
    return await branchTip({ repo: coding.workspace.path, branch, signal });
  } catch {
    return null;
  }
}

/**
 * What an attempt's output comes to when it changed nothing: a failure on a reviewed task whose
 * branch holds no change at all; a line of its log when it answered a review asking for changes
 * without changing files since (at `before`: the review asks again, with its answer) or when its
 * task asks no review; null when it changed something.
 */
export function unchangedVerdict(
  out: CodingOutput,
  before: string | null,
  counts: Parameters<typeof toolCallsSaid>[0],
  reviewed: boolean,
): { fail: string } | { log: string } | null {
  if (out.files.length > 0) {
    if (before === null || out.commit !== before) return null;
    // The agent answered the review without a change (a question, or its reasons): the reviewer
    // reads its answer at the next review, beside the same diff, and approves it, asks again or rejects.
    return {
      log: `the attempt answered the review without changing files: the task's branch is still at ${before.slice(0, 10)}, and its answer goes back to the reviewer (${toolCallsSaid(counts)})`,
    };
  }
  if (reviewed) return { fail: changedNothing(counts, out.summary) };
  return {
    log: `the attempt changed nothing: no file differs from where the task's branch started (${toolCallsSaid(counts)})`,
  };
}
