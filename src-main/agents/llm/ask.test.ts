import { describe, expect, it } from 'vitest';
import { llmAgentSchema } from '../../../src-shared/schemas/agent.ts';
import type { QuestionContext, QuestionExecutor } from './ask.ts';
import { askLlmStructured } from './ask.ts';

const agent = llmAgentSchema.parse({
  id: 'sage',
  kind: 'llm',
  base_url: 'http://127.0.0.1:9/v1',
  model: 'm',
});

/** An executor that answers `{ ok: true }` and keeps the question it was given. */
function answering() {
  const asked: QuestionContext[] = [];
  const executor: QuestionExecutor = {
    async *start(ctx) {
      asked.push(ctx);
      yield { type: 'result', output: { ok: true } };
    },
  };
  return { executor, asked };
}

describe('askLlmStructured', () => {
  it('asks a question longer than a plan task description may be, whole', async () => {
    // A decision prompt holds the ended task's own description (up to 20,000 characters) and
    // more: an internal question is not a plan task, and is not held to its limit.
    const { executor, asked } = answering();
    const question = 'q'.repeat(30_000);
    const answer = await askLlmStructured(
      agent,
      question,
      { type: 'object' },
      {
        executor,
        secrets: { get: () => undefined },
      },
    );
    expect(answer).toEqual({ ok: true, value: { ok: true }, cost: 0 });
    expect(asked).toHaveLength(1);
    expect(asked[0]!.task).toMatchObject({
      task_id: 'question',
      description: question,
      output_schema: { type: 'object' },
    });
  });
});
