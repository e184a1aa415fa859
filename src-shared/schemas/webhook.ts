import { z } from 'zod';
import { secretNameSchema } from './agent.ts';

/** What a webhook can be told about. */
export const WEBHOOK_EVENTS = [
  'run.started',
  'run.ended',
  'task.failed',
  'approval.waiting',
  'approval.decided',
  'budget.exceeded',
  /** What was charged to a plan's, run's or project's budget reached it: told once per budget (and amount). */
  'budget.reached',
  /** An agent's account hit a usage or rate limit: told once per agent on the account, with the reset. */
  'agent.limited',
  /** A limited agent's account reset: the agent is available again. */
  'agent.available',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** `standard`: the JSON payload below. `slack`: `{ text }` for a Slack-compatible incoming webhook. */
export const WEBHOOK_FORMATS = ['standard', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

const httpUrl = (what: string) =>
  z
    .string()
    .max(2_000)
    .refine((v) => {
      try {
        const u = new URL(v);
        return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
      } catch {
        return false;
      }
    }, `must be an http(s) URL ${what}, without user:password@`);

const webhookFieldsSchema = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, . _ - (at most 64)')
    .optional(),
  url: httpUrl('to POST events to'),
  events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, 'name at least one event').max(WEBHOOK_EVENTS.length),
  /** Only this project's runs; every run when absent. */
  project_id: z.string().min(1).max(200).optional(),
  /**
   * The signing secret, by name (`whsec_…` base64, or any text used as is). Required for the
   * `standard` format; a `slack` webhook may go without (Slack's incoming webhooks are not signed).
   */
  secret_name: secretNameSchema.optional(),
  format: z.enum(WEBHOOK_FORMATS).default('standard'),
  /** Where links in messages point (Baton's address as people reach it); the host's own by default. */
  link_base: httpUrl('of Baton as people reach it').optional(),
});

/** Only Slack's format goes unsigned: every other one names its signing secret. */
const signed = (
  w: { format?: WebhookFormat | undefined; secret_name?: string | undefined },
  ctx: z.RefinementCtx,
) => {
  if (w.secret_name === undefined && w.format !== 'slack')
    ctx.addIssue({
      code: 'custom',
      path: ['secret_name'],
      message:
        'a signed webhook needs a signing secret: pick one or set one (only the Slack format goes without)',
    });
};

export const webhookInputSchema = webhookFieldsSchema.superRefine(signed);
/** `webhooks.update`: the same fields, the id required. */
export const webhookUpdateSchema = webhookFieldsSchema.required({ id: true }).superRefine(signed);
export type WebhookInput = z.input<typeof webhookInputSchema>;

export interface Webhook {
  id: string;
  url: string;
  events: WebhookEvent[];
  project_id: string | null;
  /** Null: sent unsigned (a Slack-format webhook without a secret). */
  secret_name: string | null;
  format: WebhookFormat;
  link_base: string | null;
  enabled: boolean;
  created_at: string;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One event for one subscription: the outbox row and its log (status, attempts, last answer). */
export interface WebhookDelivery {
  /** Also the `webhook-id` header: the same for every attempt, so a receiver can drop repeats. */
  id: string;
  webhook_id: string;
  event: WebhookEvent;
  payload: WebhookPayload;
  status: DeliveryStatus;
  attempts: number;
  created_at: string;
  next_attempt_at: string | null;
  last_attempt_at: string | null;
  /** The receiver's HTTP status of the last attempt; null when it never answered. */
  response_code: number | null;
  last_error: string | null;
}

/**
 * The body of a `standard` webhook (Standard Webhooks' `type` / `timestamp` / `data`).
 * `resources/schemas/webhook-payload.schema.json` is generated from it.
 */
export const webhookPayloadSchema = z.strictObject({
  type: z.enum(WEBHOOK_EVENTS).describe('What happened.'),
  timestamp: z.string().describe('When it happened (ISO 8601, UTC).'),
  data: z.strictObject({
    run_id: z
      .string()
      .nullable()
      .describe('The run it is about (for budget.reached, the run whose charge reached it).'),
    plan_id: z.string().nullable(),
    project_id: z.string().nullable(),
    task_id: z.string().nullable().describe('The task, for task and approval events.'),
    approval_id: z.string().nullable().describe('The approval, for approval and budget events.'),
    approval_kind: z.string().nullable().describe('approval, budget, escalation, …'),
    status: z
      .string()
      .nullable()
      .describe(
        'The new status: the run\'s (run.ended), "failed", "pending", "approved" or "rejected", "reached" (budget.reached).',
      ),
    actor: z.string().describe('Who made the change: "engine", a person\'s name, …'),
    reason: z.string().describe("The audit log's words for it."),
    url: z.string().nullable().describe('A link to it in Baton, when Baton knows its address.'),
  }),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

/** The payload format as JSON Schema (draft 2020-12). */
export function webhookPayloadJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://baton.local/schemas/webhook-payload.schema.json',
    title: 'Baton webhook payload',
    description:
      'The JSON body Baton POSTs to a webhook of format "standard", signed the Standard Webhooks way: headers webhook-id (the same for every attempt of one delivery), webhook-timestamp (Unix seconds) and webhook-signature ("v1,<base64 HMAC-SHA256 of id.timestamp.body>").',
    ...z.toJSONSchema(webhookPayloadSchema, { io: 'output' }),
  };
}
