/**
 * How spend is summed, without zod: the first screen's addresses read it, and zod loads only with
 * a form or a check.
 */

/**
 * Spend: what agents' model calls used (tokens: input, output, read from a cache) and cost (USD),
 * from their usage steps, summed by one of these: the day the calls were made (in the viewer's
 * time zone), the plan or run they were for, the agent that made them, the model, or the agent's
 * CLI (`claude`, `codex`, …; an agent of another kind by its kind, `llm`).
 */
export const SPEND_GROUPS = ['day', 'plan', 'run', 'agent', 'model', 'cli'] as const;
export type SpendGroup = (typeof SPEND_GROUPS)[number];
