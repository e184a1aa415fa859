import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AgentCallbacks } from '../../agents/index.ts';
import { CALLBACK_PATH, callbackMessageSchema, MAX_JSON_BYTES } from '../../agents/index.ts';
import { bearer } from '../../http/auth.ts';
import type { RequestTarget } from '../../http/request-target.ts';
import { readJsonBody, refuseBody, sendJson } from '../../http/respond.ts';
import { bodyJsonSchema, invalidBody } from './request-body.ts';

/** Largest callback body read (what the http executor reads from an agent, too). */
const CALLBACK_MAX_BODY = MAX_JSON_BYTES;

/**
 * The callback message, with no fields but its own: a misspelt `progres` or `ouput` is a 400
 * naming it, not a message that silently says less than the agent meant.
 */
const strictCallbackSchema = z.discriminatedUnion('status', [
  callbackMessageSchema.options[0].strict(),
  callbackMessageSchema.options[1].strict(),
  callbackMessageSchema.options[2].strict(),
]);

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `POST /api/agent-callbacks/:id`: where an http agent posts progress, log lines and its
 * result (http-callbacks.ts). These requests come from the agent, not the browser: they are
 * authenticated by the attempt's own token (`Authorization: Bearer`), never by the UI token
 * or cookie, and this handler answers nothing but this one route. In order:
 *
 * - anything but `POST /api/agent-callbacks/<id>` → 404 (405 for another method);
 * - a request with an `Origin` (a browser page) → 403;
 * - an unknown id (never opened, attempt ended, result already delivered) → 404;
 * - a missing or wrong token → 401; the body is not read;
 * - a body that is not a JSON object or not a callback message (an unknown field too) → 400
 *   naming the field;
 * - too many messages waiting → 429; else 200 `{ ok: true }`.
 */
export function createAgentCallbackRoute(callbacks: AgentCallbacks) {
  return async (req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<void> => {
    const { path } = target;
    const id = path.slice(CALLBACK_PATH.length);
    if (!path.startsWith(CALLBACK_PATH) || !ID.test(id)) {
      return sendJson(res, 404, error('not_found', `no route ${req.method} ${path}`));
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(
        res,
        405,
        error('method_not_allowed', `${req.method} not allowed on an agent callback`),
      );
    }
    if (req.headers.origin !== undefined) {
      return sendJson(res, 403, error('forbidden', 'agent callbacks are not for browsers'));
    }
    const token = bearer(req);
    const checked = callbacks.check(id, token);
    if (checked !== 'ok') return refuse(res, checked);
    const body = await readJsonBody(req, CALLBACK_MAX_BODY, { object: true });
    if (!body.ok) return refuseBody(res, body);
    const parsed = strictCallbackSchema.safeParse(body.value);
    if (!parsed.success) return sendJson(res, 400, { error: invalidBody(parsed.error) });
    const delivered = callbacks.deliver(id, token, parsed.data);
    if (delivered === 'accepted') return sendJson(res, 200, { ok: true });
    if (delivered === 'busy') {
      res.setHeader('Retry-After', '1');
      return sendJson(res, 429, error('busy', 'too many messages waiting; try again shortly'));
    }
    return refuse(res, delivered);
  };

  function refuse(res: ServerResponse, why: 'not_found' | 'unauthorized'): void {
    if (why === 'not_found') {
      sendJson(
        res,
        404,
        error('not_found', 'no such callback: the attempt has ended or its result was already delivered'),
      );
      return;
    }
    res.setHeader('WWW-Authenticate', 'Bearer');
    sendJson(res, 401, error('unauthorized', "send the attempt's X-Baton-Callback-Token as a Bearer token"));
  }
}

function error(code: string, message: string) {
  return { error: { code, message } };
}

/** The route's OpenAPI entry (it is not in the token-protected route table). */
export function callbackOpenApi(): Record<string, unknown> {
  return {
    [`${CALLBACK_PATH}{callback_id}`]: {
      post: {
        summary:
          'Where an http agent posts progress, log lines and its result for a task Baton gave it (the `callback_url` in the task). Authenticated by the per-attempt token from the `X-Baton-Callback-Token` header, not by the UI token; the first completed or failed message ends the callback.',
        tags: ['agents (callback)'],
        security: [{ callbackToken: [] }],
        parameters: [{ name: 'callback_id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: bodyJsonSchema(strictCallbackSchema) },
          },
        },
        responses: {
          200: { description: 'Received.' },
          400: {
            description: 'Bad body: `error.message` names the field.',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
          },
          401: { description: 'Missing or wrong callback token.' },
          404: { description: 'No such callback: the attempt has ended or its result was delivered.' },
          429: { description: 'Too many messages waiting; retry after a second.' },
        },
      },
    },
  };
}
