import { z } from 'zod';

/** How an agent says a task ended, in an answer or a callback. */
const completedSchema = z.object({ status: z.literal('completed'), output: z.unknown() });
const failedSchema = z.object({ status: z.literal('failed'), error: z.unknown() });

/**
 * What a remote agent answers, to the task POST and to each poll:
 * `{ status: 'completed', output }`, `{ status: 'failed', error }`, or, while it works,
 * `{ status: 'running' | 'accepted', progress?, message?, poll_url? }`.
 */
const agentReplySchema = z.discriminatedUnion('status', [
  completedSchema,
  failedSchema,
  z.object({
    status: z.enum(['running', 'accepted']),
    progress: z.number().min(0).max(100).optional(),
    message: z.string().optional(),
    poll_url: z.string().min(1).optional(),
    cancel_url: z.string().min(1).optional(),
  }),
]);

/**
 * The answer to a POST that was accepted (202): where to poll, and optionally where to
 * cancel. With a callback offered, `poll_url` may be left out (and the body empty).
 */
const acceptedReplySchema = z.object({
  poll_url: z.string().min(1),
  cancel_url: z.string().min(1).optional(),
  status: z.enum(['running', 'accepted']).optional(),
  progress: z.number().min(0).max(100).optional(),
  message: z.string().optional(),
});
const acceptedForCallbackSchema = acceptedReplySchema.partial({ poll_url: true });

/**
 * What an agent POSTs to its `callback_url`: the same shapes as a poll answer, and, while
 * running, log lines. Progress and log lines may be posted many times; the first
 * `completed` or `failed` ends the attempt.
 */
export const callbackMessageSchema = z.discriminatedUnion('status', [
  completedSchema,
  failedSchema,
  z.object({
    status: z.literal('running'),
    progress: z.number().min(0).max(100).optional(),
    message: z.string().max(10_000).optional(),
    log: z.array(z.string().max(65_536)).max(1_000).optional(),
  }),
]);
export type CallbackMessage = z.infer<typeof callbackMessageSchema>;

export type ReadReply =
  | { kind: 'done'; output: unknown }
  | { kind: 'failed'; error: string }
  | {
      kind: 'running';
      progress?: number;
      message?: string;
      poll_url?: string;
      cancel_url?: string;
      log?: string[];
    }
  | { kind: 'invalid'; error: string };

/**
 * Reads an answer; a 202 means "accepted, poll this URL" whatever its `status` says. With a
 * callback offered (`callback`), a 202 needs no poll_url: the agent will post its result.
 */
export function readReply(status: number, json: unknown, opts: { callback?: boolean } = {}): ReadReply {
  if (status === 202) {
    if (opts.callback) {
      const r = acceptedForCallbackSchema.safeParse(json ?? {});
      if (!r.success) return { kind: 'invalid', error: `answered 202 with ${explain(r.error)}` };
      return { kind: 'running', ...r.data };
    }
    const r = acceptedReplySchema.safeParse(json);
    if (!r.success)
      return { kind: 'invalid', error: `answered 202 without a poll_url (${explain(r.error)})` };
    return { kind: 'running', ...r.data };
  }
  const r = agentReplySchema.safeParse(json);
  if (!r.success)
    return { kind: 'invalid', error: `answered ${status} with an unexpected body (${explain(r.error)})` };
  const reply = r.data;
  if (reply.status === 'completed' || reply.status === 'failed') return readCallback(reply);
  const { status: _, ...rest } = reply;
  return { kind: 'running', ...rest };
}

/** A message an agent posted to its callback (or an answer that says the task ended), read like a poll answer. */
export function readCallback(message: CallbackMessage): ReadReply {
  switch (message.status) {
    case 'completed':
      return { kind: 'done', output: message.output ?? null };
    case 'failed':
      return { kind: 'failed', error: errorText(message.error) };
    case 'running': {
      const { status: _, ...rest } = message;
      return { kind: 'running', ...rest };
    }
  }
}

function errorText(error: unknown): string {
  if (typeof error === 'string' && error) return error;
  if (error && typeof error === 'object' && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }
  return error === undefined || error === null ? 'the agent reported a failure' : JSON.stringify(error);
}

function explain(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
    .join('; ');
}
