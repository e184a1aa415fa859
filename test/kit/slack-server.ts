import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signSlackRequest } from '../../src-main/reach/slack/verify.ts';

/** One Web API call the scripted Slack took: its method and its arguments as Slack reads them. */
export interface SlackCall {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
}

/**
 * Slack's Web API as a scripted server on 127.0.0.1, answering the documented payloads of the
 * methods Baton calls (`auth.test`, `chat.postMessage`, `chat.update`, `chat.postEphemeral`,
 * `views.open`): arguments read as Slack reads them (form-encoded, JSON-valued fields, or a JSON
 * body), the bot token checked (`invalid_auth` otherwise), each call kept for the test to read.
 * A real `@slack/web-api` client talks to it through its `slackApiUrl`.
 */
export async function startSlackServer(opts: { token: string }) {
  const calls: SlackCall[] = [];
  let nextTs = 1_700_000_000_000_100;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
      const text = Buffer.concat(chunks).toString('utf8');
      const args: Record<string, unknown> = {};
      if ((req.headers['content-type'] ?? '').includes('application/json'))
        Object.assign(args, JSON.parse(text || '{}'));
      else
        for (const [k, v] of new URLSearchParams(text)) {
          try {
            args[k] = v.startsWith('[') || v.startsWith('{') ? JSON.parse(v) : v;
          } catch {
            args[k] = v;
          }
        }
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ')
        ? auth.slice(7)
        : typeof args.token === 'string'
          ? args.token
          : null;
      calls.push({ method, args, token });
      const answer = (body: Record<string, unknown>) => {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      if (token !== opts.token) return answer({ ok: false, error: 'invalid_auth' });
      switch (method) {
        case 'auth.test':
          return answer({
            ok: true,
            url: 'https://acme.slack.com/',
            team: 'Acme',
            user: 'baton',
            team_id: 'T1',
            user_id: 'U0BOT',
            bot_id: 'B1',
          });
        case 'chat.postMessage': {
          const ts = (nextTs++ / 1e6).toFixed(6);
          return answer({ ok: true, channel: args.channel, ts, message: { text: args.text, ts } });
        }
        case 'chat.update':
          return answer({ ok: true, channel: args.channel, ts: args.ts, text: args.text });
        case 'chat.postEphemeral':
          return answer({ ok: true, message_ts: (nextTs++ / 1e6).toFixed(6) });
        case 'views.open':
          return answer({ ok: true, view: { id: 'V1', ...(args.view as object) } });
        default:
          return answer({ ok: false, error: 'unknown_method' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return {
    url,
    calls,
    /** The calls of one method, in order. */
    of: (method: string) => calls.filter((c) => c.method === method),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type SlackServer = Awaited<ReturnType<typeof startSlackServer>>;

/** An interaction request as Slack sends it: `payload=<json>`, form-encoded, signed with `secret` at `ts`. */
export function slackRequest(
  secret: string | null,
  payload: unknown,
  ts = Math.floor(Date.now() / 1000),
): { body: string; headers: Record<string, string> } {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return {
    body,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': String(ts),
      ...(secret === null ? {} : { 'X-Slack-Signature': signSlackRequest(secret, ts, body) }),
    },
  };
}

/** A click on a message's button (`block_actions`), as Slack documents the payload. */
export function buttonClick(o: {
  user: string;
  action: string;
  value: string;
  channel: string;
  ts: string;
  trigger?: string;
}) {
  return {
    type: 'block_actions',
    user: { id: o.user, username: o.user.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'verification-token-not-used',
    container: { type: 'message', message_ts: o.ts, channel_id: o.channel, is_ephemeral: false },
    trigger_id: o.trigger ?? `${Date.now()}.1.abc`,
    team: { id: 'T1', domain: 'acme' },
    channel: { id: o.channel, name: 'approvals' },
    message: { type: 'message', ts: o.ts, text: 'Waiting for a decision' },
    response_url: 'https://hooks.slack.com/actions/T1/1/x',
    actions: [
      {
        action_id: o.action,
        block_id: 'baton.actions',
        value: o.value,
        type: 'button',
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
}

/** A modal submitted (`view_submission`) with its comment, as Slack documents the payload. */
export function modalSubmission(o: { user: string; view: Record<string, unknown>; comment: string }) {
  return {
    type: 'view_submission',
    team: { id: 'T1', domain: 'acme' },
    user: { id: o.user, username: o.user.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    trigger_id: `${Date.now()}.2.def`,
    view: {
      id: 'V1',
      type: 'modal',
      callback_id: o.view.callback_id,
      private_metadata: o.view.private_metadata,
      state: { values: { comment: { text: { type: 'plain_text_input', value: o.comment } } } },
    },
  };
}
