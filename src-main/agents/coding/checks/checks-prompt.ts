import type { CheckOutcome } from '../../../../src-shared/schemas/checks.ts';
import { checkVerdict } from '../../../../src-shared/schemas/checks.ts';

/** The most of a failing check's output tail put in the prompt (its end). */
export const PROMPT_TAIL_CHARS = 6_000;

/** Why the checks failed, for an attempt's error: "checks failed after 2 fix rounds: test failed (exit code 1): …". */
export function checksFailedText(failed: readonly CheckOutcome[], rounds: number): string {
  const which = failed.map((c) => {
    const names = c.tests?.failing.slice(0, 5) ?? [];
    return `${c.name} ${checkVerdict(c)}${names.length > 0 ? ` (${names.join('; ')})` : ''}`;
  });
  return `checks failed${rounds > 0 ? ` after ${rounds} fix round${rounds === 1 ? '' : 's'}` : ''}: ${which.join(', ')}`;
}

/**
 * What goes back to the agent's session when checks fail: each failing check's name, how it
 * ended, its failing tests' names, and the end of its output.
 */
export function checksFailedPrompt(
  taskId: string,
  failed: readonly CheckOutcome[],
  round: number,
  of: number,
): string {
  const parts = [
    `Baton ran the workspace's checks on your work on task ${taskId}, and ${failed.length === 1 ? 'one failed' : `${failed.length} failed`} (fix round ${round} of ${of}).`,
  ];
  for (const c of failed) {
    const lines = [`Check "${c.name}" ${checkVerdict(c)}.`];
    if (c.tests && c.tests.failing.length > 0)
      lines.push('Failing tests:', ...c.tests.failing.map((n) => `- ${n}`));
    const tail =
      c.output_tail.length > PROMPT_TAIL_CHARS
        ? `…${c.output_tail.slice(-PROMPT_TAIL_CHARS)}`
        : c.output_tail;
    if (tail.trim()) lines.push('The end of its output:', '```', tail.replace(/\n$/, ''), '```');
    parts.push(lines.join('\n'));
  }
  parts.push(
    'Fix the code in the same worktree, your working directory, so that the checks pass. Do not change or skip the checks or their tests to make them pass.',
  );
  return parts.join('\n\n');
}
