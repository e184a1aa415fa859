import { z } from 'zod';
import { idSchema, skillSchema } from './common.ts';

export const AGENT_STATUSES = ['ONLINE', 'BUSY', 'AWAY', 'OFFLINE'] as const;
export type AgentStatus = (typeof AGENT_STATUSES)[number];

/** Executor kinds. Only the built-in `echo` exists so far; each new kind joins this union. */
export const AGENT_KINDS = ['echo'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

export const charterSchema = z.strictObject({
  mission: z.string().max(2_000).optional(),
  vision: z.string().max(2_000).optional(),
  values: z.array(z.string().max(200)).max(50).default([]),
  expertise: z.array(z.string().max(200)).max(50).default([]),
});

export const agentSchema = z.strictObject({
  id: idSchema,
  name: z.string().max(200).optional(),
  kind: z.enum(AGENT_KINDS).default('echo'),
  skills: z.array(skillSchema).max(256).default([]),
  status: z.enum(AGENT_STATUSES).default('ONLINE'),
  max_concurrency: z.number().int().min(1).max(10_000).default(1),
  cost_per_task: z.number().nonnegative().default(0),
  charter: charterSchema.optional(),
  tags: z.array(z.string().max(64)).max(64).default([]),
});
export type Agent = z.infer<typeof agentSchema>;
export type AgentInput = z.input<typeof agentSchema>;

/** An agents file is either a bare array or `{ "agents": [...] }`; ids must be unique. */
export const agentsFileSchema = z
  .preprocess(
    (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) && 'agents' in v ? v.agents : v),
    z.array(agentSchema).max(10_000),
  )
  .superRefine((agents, ctx) => {
    const seen = new Set<string>();
    agents.forEach((a, i) => {
      if (seen.has(a.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate agent id "${a.id}"` });
      seen.add(a.id);
    });
  });
