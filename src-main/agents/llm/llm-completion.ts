import { z } from 'zod';
import type { LlmAgent } from '../../../src-shared/schemas/agent.ts';
import { truncateText } from '../shared/line-splitter.ts';

/** The parts of an OpenAI-compatible chat completion Baton reads; anything else is ignored. */
const usageSchema = z.object({
  prompt_tokens: z.number().int().nonnegative().default(0),
  completion_tokens: z.number().int().nonnegative().default(0),
});
export type Usage = z.infer<typeof usageSchema>;

const apiErrorSchema = z.union([z.string(), z.object({ message: z.string() })]);

/** A name the server reports (model, finish reason): kept short, whatever the server sends. */
const name = z.string().transform((s) => truncateText(s, 200));

/** What a streamed chunk and a whole completion share; they differ in their choices. */
const completionBase = z.object({
  model: name.optional(),
  usage: usageSchema.nullish(),
  error: apiErrorSchema.optional(),
});
const content = z.object({ content: z.string().nullish() }).nullish();

/** One `data:` event of a streamed completion. */
export const completionChunkSchema = completionBase.extend({
  choices: z.array(z.object({ delta: content, finish_reason: name.nullish() })).default([]),
});

/** A whole completion, from a server that answered without streaming. */
export const completionSchema = completionBase.extend({
  choices: z.array(z.object({ message: content, finish_reason: name.nullish() })).default([]),
});

export function apiErrorMessage(error: z.infer<typeof apiErrorSchema>): string {
  return typeof error === 'string' ? error : error.message;
}

/**
 * What the tokens cost by the agent's price table, priced as the first of `models` the table
 * lists (the model the server reported, then the configured one); a model not in it costs 0.
 */
export function usageCost(usage: Usage, models: string[], prices: LlmAgent['prices']): number {
  const model = models.find((m) => prices?.[m] !== undefined);
  const price = model === undefined ? undefined : prices?.[model];
  if (!price) return 0;
  const cost =
    (usage.prompt_tokens / 1000) * price.prompt_per_1k +
    (usage.completion_tokens / 1000) * price.completion_per_1k;
  return Math.round(cost * 1e9) / 1e9;
}
