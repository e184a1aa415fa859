import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { WireResult } from '../../../src-shared/contract/errors.ts';
import type { ApprovalView } from '../../../src-shared/schemas/approval.ts';
import type { Person } from '../../../src-shared/schemas/people.ts';
import { mayDecide } from '../../../src-shared/schemas/people.ts';
import { readRawBody, sendJson } from '../../http/respond.ts';
import { asPrincipal } from '../../people/index.ts';
import type { SecretResolver } from '../../secrets/secrets.ts';
import type { SlackDecision } from './blocks.ts';
import { ACTIONS, COMMENT_BLOCK, COMMENT_INPUT, commentView, DECIDE_VIEW } from './blocks.ts';
import type { SlackClients } from './client.ts';
import type { SlackRepo } from './repo.ts';
import { SLACK_WINDOW_S, verifySlackRequest } from './verify.ts';

/** Where Slack sends clicks and modal submissions (the app's Interactivity Request URL). */
export const SLACK_PATH = '/api/slack/interactions';

/** A contract call as whoever the caller runs it as (the app's dispatch). */
export type Dispatch = (method: string, input: unknown) => Promise<WireResult>;

const MAX_BODY = 1024 * 1024;

const actionSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({ id: z.string() }),
  trigger_id: z.string().optional(),
  channel: z.object({ id: z.string() }).optional(),
  container: z.object({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  message: z.object({ ts: z.string() }).optional(),
  actions: z.array(z.object({ action_id: z.string(), value: z.string().optional() })).min(1),
});
const submissionSchema = z.object({
  type: z.literal('view_submission'),
  user: z.object({ id: z.string() }),
  view: z.object({
    callback_id: z.string(),
    private_metadata: z.string(),
    state: z.object({
      values: z.record(z.string(), z.record(z.string(), z.object({ value: z.string().nullish() }))),
    }),
  }),
});
const metadataSchema = z.object({
  approval_id: z.string(),
  decision: z.enum(['reject', 'request_changes']),
  channel: z.string().nullable(),
  ts: z.string().nullable(),
});

const DECISIONS: Record<string, SlackDecision> = {
  [ACTIONS.approve]: 'approve',
  [ACTIONS.reject]: 'reject',
  [ACTIONS.request_changes]: 'request_changes',
};

/**
 * `POST /api/slack/interactions`: a click on an approval's buttons, or the comment modal submitted.
 * Each request must be one Slack signed with the app's signing secret in the last five minutes,
 * and never seen before (its signature is remembered): a forged, stale or replayed one is refused
 * before its body is read as anything. The Slack member who clicked must be linked to a person;
 * the decision is then `approvals.decide` run as that person (`asPrincipal`), which checks their
 * role and the approval's deciders as for every view. What goes wrong is told to them alone (an
 * ephemeral message, or the modal's error); the channel's message is updated by the poster.
 */
export function createSlackInteractions(o: {
  repo: SlackRepo;
  secrets: SecretResolver;
  clients: SlackClients;
  now: () => number;
  person: (id: string) => Person | null;
  approval: (id: string) => ApprovalView | null;
  dispatch: () => Dispatch | null;
  /** A decision was made: the poster updates the message now. */
  decided: (approvalId: string) => void;
}) {
  const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
    sendJson(res, status, { error: { code, message } });

  /** Tells the person who clicked, and only them (best effort: the decision stands either way). */
  async function tell(channel: string | null, user: string, text: string): Promise<void> {
    if (!channel) return;
    const client = await o.clients(o.repo.settings());
    if (typeof client === 'string') return;
    await client.chat.postEphemeral({ channel, user, text }).catch(() => {});
  }

  const personOf = (slackUser: string): Person | null => {
    const id = o.repo.personOf(slackUser);
    return id === null ? null : o.person(id);
  };
  const NOT_LINKED =
    'Your Slack account is not linked to a person on this Baton: ask an admin to add your Slack member ID (Settings → Slack).';

  async function decide(
    person: Person,
    slackUser: string,
    input: { approval_id: string; decision: SlackDecision; comment?: string },
  ): Promise<string | null> {
    const dispatch = o.dispatch();
    if (!dispatch) return 'Baton is starting: try again in a moment.';
    const result = await asPrincipal({ kind: 'slack', person, slack_user: slackUser }, () =>
      dispatch('approvals.decide', { ...input, actor: person.name }),
    );
    if (!result.ok) return result.error.message;
    o.decided(input.approval_id);
    return null;
  }

  async function onAction(p: z.infer<typeof actionSchema>, res: ServerResponse): Promise<void> {
    const action = p.actions[0]!;
    const decision = DECISIONS[action.action_id];
    const channel = p.channel?.id ?? p.container?.channel_id ?? null;
    const ts = p.message?.ts ?? p.container?.message_ts ?? null;
    // Slack wants its answer within 3 s: the click is acknowledged first, told by message after.
    res.writeHead(200).end();
    if (!decision || !action.value) return;
    const person = personOf(p.user.id);
    if (!person) return tell(channel, p.user.id, NOT_LINKED);
    if (decision === 'approve') {
      const refused = await decide(person, p.user.id, { approval_id: action.value, decision });
      return refused ? tell(channel, p.user.id, refused) : undefined;
    }
    // A reject or a request for changes asks for its comment first, where the person may decide it.
    const view = o.approval(action.value);
    const may = view ? mayDecide(view.deciders, { name: person.name, role: person.role }) : null;
    const why =
      view?.status !== 'pending'
        ? `This was already ${view ? view.status.replace('_', ' ') : 'removed'}${view?.actor ? ` by ${view.actor}` : ''}.`
        : may && !may.ok
          ? `${person.name}: ${may.why}`
          : null;
    if (why) return tell(channel, p.user.id, why);
    const client = await o.clients(o.repo.settings());
    if (typeof client === 'string' || !p.trigger_id || !view)
      return tell(channel, p.user.id, 'Open it in Baton to decide.');
    await client.views
      .open({ trigger_id: p.trigger_id, view: commentView(view, decision, { channel, ts }) as never })
      .catch(() => tell(channel, p.user.id, 'Slack did not open the form: open it in Baton to decide.'));
  }

  async function onSubmission(p: z.infer<typeof submissionSchema>, res: ServerResponse): Promise<void> {
    if (p.view.callback_id !== DECIDE_VIEW) return void res.writeHead(200).end();
    let meta: z.infer<typeof metadataSchema>;
    try {
      meta = metadataSchema.parse(JSON.parse(p.view.private_metadata));
    } catch {
      return void res.writeHead(200).end();
    }
    const comment = p.view.state.values[COMMENT_BLOCK]?.[COMMENT_INPUT]?.value?.trim() ?? '';
    const person = personOf(p.user.id);
    const refused = person
      ? await decide(person, p.user.id, {
          approval_id: meta.approval_id,
          decision: meta.decision,
          ...(comment ? { comment } : {}),
        })
      : NOT_LINKED;
    // An empty 200 closes the modal; errors keep it open, under the comment.
    if (refused === null) return void res.writeHead(200).end();
    sendJson(res, 200, { response_action: 'errors', errors: { [COMMENT_BLOCK]: refused.slice(0, 150) } });
  }

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const settings = o.repo.settings();
    if (req.method !== 'POST') return refuse(res, 405, 'method_not_allowed', 'Slack posts here');
    if (!settings.enabled) return refuse(res, 404, 'not_found', 'Slack is not set up on this Baton');
    const secret = o.secrets.get(settings.signing_secret);
    if (!secret)
      return refuse(
        res,
        503,
        'unavailable',
        `the secret "${settings.signing_secret}" (Slack's signing secret) is not set`,
      );
    const body = await readRawBody(req, MAX_BODY);
    if (!body.ok) return refuse(res, body.status, 'invalid_input', body.message);
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : undefined;
    };
    const verdict = verifySlackRequest(
      secret,
      { signature: header('x-slack-signature'), timestamp: header('x-slack-request-timestamp') },
      body.bytes,
      o.now(),
    );
    if (!verdict.ok) return refuse(res, 401, 'unauthorized', `not from Slack: ${verdict.why}`);
    // Remembered past the window: a replay within it is refused here, one after it by its timestamp.
    if (!o.repo.firstSeen(verdict.signature, o.now(), o.now() + 2 * SLACK_WINDOW_S * 1000))
      return refuse(res, 401, 'unauthorized', 'not from Slack: this request was taken already (a replay)');
    let payload: unknown;
    try {
      payload = JSON.parse(new URLSearchParams(body.bytes.toString('utf8')).get('payload') ?? '');
    } catch {
      return refuse(res, 400, 'invalid_input', 'payload: not JSON');
    }
    const action = actionSchema.safeParse(payload);
    if (action.success) return onAction(action.data, res);
    const submission = submissionSchema.safeParse(payload);
    if (submission.success) return onSubmission(submission.data, res);
    // Other interactions (a shortcut, a closed modal) are not Baton's to answer.
    res.writeHead(200).end();
  };
}
