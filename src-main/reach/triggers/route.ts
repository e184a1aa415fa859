import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearer } from '../../http/auth.ts';
import type { RequestTarget } from '../../http/request-target.ts';
import { readJsonBody, refuseBody, sendJson } from '../../http/respond.ts';
import type { TriggerAnswer, Triggers } from './triggers.ts';
import { TRIGGER_PATH } from './triggers.ts';

/** A trigger call's body is small: inputs. */
const MAX_BODY = 256 * 1024;
const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * `POST /api/triggers/<id>`: starts a run of the trigger's plan. Served by the host inside its
 * guarded edge (a bad request is an answer, never a stopped process). These calls come from other
 * programs (CI, cron, a form's backend), not from Baton's page: they are authenticated by the
 * trigger's own secret (`Authorization: Bearer`), never by the UI token, and a request with an
 * `Origin` (a browser page) is refused. In order: 404 (another path, an unknown trigger), 405,
 * 403, 429 (past the trigger's rate; with Retry-After), 401 (no or wrong secret; the body is
 * not read), 400 (a body that is not `{ inputs? }`, inputs the plan does not take: the message
 * names the field), else 202 `{ run_id, status }`. Every call to a trigger is audited.
 */
export function createTriggerRoute(triggers: Triggers) {
  return async (req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<void> => {
    const id = target.segments.length === 4 ? target.segments[3]! : '';
    if (!target.path.startsWith(TRIGGER_PATH) || !ID.test(id)) {
      return sendJson(res, 404, error('not_found', `no route ${req.method} ${target.path}`));
    }
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, error('method_not_allowed', `${req.method} not allowed on a trigger`));
    }
    if (req.headers.origin !== undefined) {
      return sendJson(res, 403, error('forbidden', 'triggers are not for browsers'));
    }
    const from = req.socket.remoteAddress ?? 'unknown';
    const admitted = triggers.admit(id, bearer(req), from);
    if ('status' in admitted) return answer(res, admitted);
    const body = await readJsonBody(req, MAX_BODY, { object: true });
    if (!body.ok) {
      triggers.refuseBody(admitted, body.message, from);
      return refuseBody(res, body);
    }
    answer(res, await triggers.start(admitted, body.value, from));
  };
}

function answer(res: ServerResponse, a: TriggerAnswer): void {
  if (a.status === 202) {
    sendJson(res, 202, a.body);
    return;
  }
  if (a.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  if (a.status === 429 && a.retryAfter !== undefined) res.setHeader('Retry-After', String(a.retryAfter));
  sendJson(res, a.status, error(a.code, a.message));
}

function error(code: string, message: string) {
  return { error: { code, message } };
}

/** The route's OpenAPI entry (it is not in the token-protected route table). */
export function triggerOpenApi(): Record<string, unknown> {
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  });
  return {
    [`${TRIGGER_PATH}{trigger_id}`]: {
      post: {
        summary:
          "Starts a run of the trigger's plan, with the trigger's inputs and the body's over them (checked against the plan's run_inputs). Authenticated by the trigger's own secret, not the UI token; rate-limited per trigger; every call is audited.",
        tags: ['triggers'],
        security: [{ triggerSecret: [] }],
        parameters: [{ name: 'trigger_id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: {
          required: false,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                properties: { inputs: { type: 'object' } },
              },
            },
          },
        },
        responses: {
          202: {
            description: 'The run started.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['run_id', 'status'],
                  properties: { run_id: { type: 'string' }, status: { type: 'string' } },
                },
              },
            },
          },
          400: error('Bad body or inputs: `error.message` names the field.'),
          401: error("Missing or wrong secret (the UI token is not a trigger's secret)."),
          403: error('A browser request (with an Origin).'),
          404: error('No such trigger.'),
          429: error('Past the trigger’s calls a minute; see Retry-After.'),
        },
      },
    },
  };
}
