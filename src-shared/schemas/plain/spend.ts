/**
 * How spend is summed, without zod: the first screen's addresses read it, and zod loads only with
 * a form or a check.
 */

/** How spend is summed: by day (in the viewer's time zone), plan, run, agent, model or the agent's CLI. */
export const SPEND_GROUPS = ['day', 'plan', 'run', 'agent', 'model', 'cli'] as const;
export type SpendGroup = (typeof SPEND_GROUPS)[number];
