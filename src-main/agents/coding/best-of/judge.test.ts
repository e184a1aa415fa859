import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LlmAgent } from '../../../../src-shared/schemas/agent.ts';
import { agentSchema } from '../../../../src-shared/schemas/agent.ts';
import type { BestOfCandidate } from '../../../../src-shared/schemas/best-of.ts';
import { taskSpecSchema } from '../../../../src-shared/schemas/plan.ts';
import { startChatServer } from '../../../../test/kit/model-servers/openai-chat.ts';
import { createSecretResolver } from '../../../secrets/secrets.ts';
import { freshWorkspace, removeWorkspaces } from '../../testing/task-context.ts';
import { askJudge } from './judge.ts';

// The judge: an llm agent (a scripted chat model here) given the task and the tied candidates'
// diffs, answering {pick, reason}; a pick outside the tied is no pick.
afterAll(() => removeWorkspaces());

const cand = (candidate: number): BestOfCandidate => ({
  candidate,
  agent_id: 'coder',
  branch: `b-c${candidate}`,
  commit: 'a'.repeat(40),
  start_commit: 'b'.repeat(40),
  status: 'passed',
  checks_passed: 1,
  checks_total: 1,
  checks_line: 'test ✓',
  cost_usd: 0.01,
  duration_ms: 1000,
  diff_lines: 2,
  files: 1,
  additions: 1,
  deletions: 1,
  summary: `summary of ${candidate}`,
  rank: 0,
  reason: '',
});

describe('askJudge', () => {
  it("gives the judge the task and each tied candidate's diff, and takes its pick and reason", async () => {
    const answers = [
      { pick: 3, reason: 'Candidate 3 handles the empty list.' },
      { pick: 7, reason: 'the seventh' },
    ];
    const server = await startChatServer({
      conversations: answers.map((a, i) => ({
        name: `judge-${i}`,
        match: (req) => req.texts.some((t) => t.includes(`Round ${i}.`)),
        turns: [{ text: JSON.stringify(a) }],
      })),
    });
    try {
      const judge = agentSchema.parse({
        id: 'judge',
        kind: 'llm',
        base_url: `${server.url}/v1`,
        model: 'scripted-judge',
        max_retries: 0,
        skills: ['judging'],
      }) as LlmAgent;
      const workspace = freshWorkspace();
      writeFileSync(join(workspace, 'candidate-1.diff'), '+ return items[0];\n');
      writeFileSync(join(workspace, 'candidate-3.diff'), '+ return items[0] ?? null;\n');
      const deps = {
        workspace,
        secrets: createSecretResolver({}, new Map()),
        signal: new AbortController().signal,
      };
      const task = (round: number) =>
        taskSpecSchema.parse({ task_id: 'first', description: `Round ${round}. Return the first item.` });
      const verdict = await askJudge(judge, task(0), [cand(1), cand(3)], deps);
      expect(verdict).toMatchObject({
        agent_id: 'judge',
        pick: 3,
        reason: 'Candidate 3 handles the empty list.',
      });
      const asked = server.modelCalls('judge-0')[0]!.request!.texts.join('\n');
      expect(asked).toContain('Return the first item.');
      expect(asked).toContain('Candidate 3 (agent coder): test ✓');
      expect(asked).toContain('+ return items[0] ?? null;');
      const outside = await askJudge(judge, task(1), [cand(1), cand(3)], deps);
      expect(outside.pick).toBeNull();
      expect(outside.reason).toBe('the judge picked 7, not one of the tied: the seventh');
    } finally {
      await server.close();
    }
  });
});
