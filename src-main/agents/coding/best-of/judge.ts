import type { LlmAgent } from '../../../../src-shared/schemas/agent.ts';
import type { BestOfCandidate, JudgeVerdict } from '../../../../src-shared/schemas/best-of.ts';
import type { TaskSpec } from '../../../../src-shared/schemas/plan.ts';
import { ConfinedFolder } from '../../../files/confined-folder.ts';
import type { SecretResolver } from '../../../secrets/secrets.ts';
import type { QuestionExecutor } from '../../llm/ask.ts';
import { askLlmStructured } from '../../llm/ask.ts';
import { createLlmExecutor } from '../../llm/llm.ts';
import { candidateDiff, MAX_DIFF_BYTES } from './run-best-of.ts';

/** The most of each candidate's diff the judge reads. */
const DIFF_CHARS = 30_000;

/** What the judge must answer: the candidate it picks and why. */
export const JUDGE_SCHEMA = {
  type: 'object',
  properties: {
    pick: { type: 'integer', minimum: 1, maximum: 8, description: 'the number of the best candidate' },
    reason: { type: 'string', description: 'why it is the best, in a sentence or two' },
  },
  required: ['pick', 'reason'],
  additionalProperties: false,
} as const;

/** The question put to the judge: the task, and each tied candidate's checks, size and diff. */
export function judgePrompt(task: TaskSpec, tied: readonly (BestOfCandidate & { diff: string })[]): string {
  const parts = [
    `Several coding agents did the same task, each on its own branch. Their checks tie. Pick the best work.`,
    `The task (${task.task_id}):\n${task.description}`,
  ];
  for (const c of tied) {
    const diff =
      c.diff.length > DIFF_CHARS
        ? `${c.diff.slice(0, DIFF_CHARS)}\n[diff cut at ${DIFF_CHARS} characters]`
        : c.diff;
    parts.push(
      `Candidate ${c.candidate} (agent ${c.agent_id}): ${c.checks_line || 'no checks'}; ${c.files} files, +${c.additions} −${c.deletions}.\nIts summary: ${c.summary.slice(0, 1_000)}\nIts diff:\n${diff || '(empty)'}`,
    );
  }
  parts.push(
    `Answer with JSON: {"pick": <the candidate's number, one of ${tied.map((c) => c.candidate).join(', ')}>, "reason": "<why>"}.`,
  );
  return parts.join('\n\n');
}

/**
 * Asks the task's judge (an `llm` agent) which tied candidate is best, given the task and their
 * diffs, for a structured answer {pick, reason}. A pick outside the tied, or no answer, is no
 * pick: the ranking goes on with the smaller diff, and the reason says why.
 */
export async function askJudge(
  judge: LlmAgent,
  task: TaskSpec,
  tied: readonly BestOfCandidate[],
  deps: { workspace: string; secrets: SecretResolver; signal: AbortSignal; executor?: QuestionExecutor },
): Promise<JudgeVerdict & { cost: number }> {
  const withDiffs = await Promise.all(
    tied.map(async (c) => ({
      ...c,
      // Its copy in the task's folder (never through a link or from a FIFO in its place).
      diff: await new ConfinedFolder(deps.workspace)
        .readFile(candidateDiff(c.candidate), MAX_DIFF_BYTES)
        .then((b) => b.toString('utf8'))
        .catch(() => ''),
    })),
  );
  const answer = await askLlmStructured(
    judge,
    judgePrompt(task, withDiffs),
    { ...JUDGE_SCHEMA },
    {
      executor: deps.executor ?? (createLlmExecutor() as unknown as QuestionExecutor),
      secrets: deps.secrets,
      signal: deps.signal,
    },
  );
  const { cost } = answer;
  if (!answer.ok)
    return { agent_id: judge.id, pick: null, reason: `the judge did not answer: ${answer.error}`, cost };
  const v = answer.value as { pick?: unknown; reason?: unknown };
  const reason = typeof v.reason === 'string' ? v.reason.slice(0, 2_000) : '';
  if (typeof v.pick !== 'number' || !tied.some((c) => c.candidate === v.pick))
    return {
      agent_id: judge.id,
      pick: null,
      reason: `the judge picked ${String(v.pick)}, not one of the tied: ${reason}`,
      cost,
    };
  return { agent_id: judge.id, pick: v.pick, reason, cost };
}
