import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, eventually } from '../../../test/kit/engine-kit.ts';
import { http } from '../../../test/kit/host-kit.ts';
import type { OffDeskBaton } from '../../../test/kit/off-desk-kit.ts';
import { offDeskBaton } from '../../../test/kit/off-desk-kit.ts';
import type { SlackCall, SlackServer } from '../../../test/kit/slack-server.ts';
import {
  buttonClick,
  modalSubmission,
  slackRequest,
  startSlackServer,
} from '../../../test/kit/slack-server.ts';

const BOT = 'xoxb-test-bot-token';
const SIGNING = 'slack-signing-secret-of-the-app';
const CHANNEL = 'C0APPROVALS';

/** The blocks of a Slack call, as text: what a person in the channel reads. */
const shown = (c: SlackCall) => JSON.stringify(c.args.blocks ?? []);

/**
 * Slack as a view of the inbox, over the real browser host and the real `@slack/web-api` client
 * against a scripted Slack on 127.0.0.1: each waiting approval is posted with its buttons; a click
 * Slack signed decides it as the person linked to the clicking member, checked as any decision;
 * forged, stale and replayed requests are refused; the message is updated wherever the decision
 * was made.
 */
describe('Slack as a view of the inbox', () => {
  let b: OffDeskBaton;
  let slack: SlackServer;
  const click = (payload: unknown, secret: string | null = SIGNING, ts?: number) => {
    const r = slackRequest(secret, payload, ts);
    return http(b.port, '/api/slack/interactions', { method: 'POST', headers: r.headers, body: r.body });
  };
  /** The message an approval was posted as (once it is). */
  async function posted(approvalId: string): Promise<{ channel: string; ts: string }> {
    await eventually(() => b.app.reach.slack.repo.message(approvalId)?.ts != null, 20_000, 'the post');
    const m = b.app.reach.slack.repo.message(approvalId)!;
    return { channel: m.channel!, ts: m.ts! };
  }
  /** The last update of a message, once one says `words`. */
  async function updated(ts: string, words: string): Promise<SlackCall> {
    let found: SlackCall | undefined;
    await eventually(
      () => {
        found = slack.of('chat.update').find((c) => c.args.ts === ts && shown(c).includes(words));
        return found !== undefined;
      },
      20_000,
      `an update saying ${words}`,
    );
    return found!;
  }
  async function ephemeral(user: string, words: string): Promise<SlackCall> {
    let found: SlackCall | undefined;
    await eventually(
      () => {
        found = slack
          .of('chat.postEphemeral')
          .find((c) => c.args.user === user && String(c.args.text).includes(words));
        return found !== undefined;
      },
      20_000,
      `a message to ${user} saying ${words}`,
    );
    return found!;
  }

  beforeAll(async () => {
    slack = await startSlackServer({ token: BOT });
    b = await offDeskBaton();
    const mia = await b.join('Mia', 'member');
    const vic = await b.join('Vic', 'viewer');
    for (const [name, value] of [
      ['slack.bot_token', BOT],
      ['slack.signing_secret', SIGNING],
    ])
      await call(b.app, 'secrets.set', { name, value });
    await call(b.app, 'slack.linkPerson', { person_id: mia.id, slack_user_id: 'UMIA' });
    await call(b.app, 'slack.linkPerson', { person_id: vic.id, slack_user_id: 'UVIC' });
    const settings = await call<{ enabled: boolean; interactions_url: string }>(b.app, 'slack.configure', {
      enabled: true,
      channel: CHANNEL,
      api_url: slack.url,
    });
    expect(settings.interactions_url).toBe(`${b.host.url}api/slack/interactions`);
  });
  afterAll(async () => {
    await b?.stop();
    await slack?.close();
  });

  it('checks the bot token with Slack', async () => {
    expect(await call(b.app, 'slack.check', {})).toEqual({
      ok: true,
      team: 'Acme',
      bot: 'baton',
      error: null,
    });
  });

  it('posts a waiting approval with its facts and buttons; a signed click approves it as Mia, and the message says so', async () => {
    const id = await b.gate('Deploy to production');
    const { channel, ts } = await posted(id);
    const post = slack.of('chat.postMessage').find((c) => shown(c).includes(id))!;
    expect(post.token).toBe(BOT);
    expect(post.args.channel).toBe(CHANNEL);
    expect(shown(post)).toContain('Deploy to production');
    expect(shown(post)).toContain('baton.approve');
    expect(shown(post)).toContain('baton.reject');
    // Only a diff review has "request changes".
    expect(shown(post)).not.toContain('baton.request_changes');
    expect(shown(post)).toContain(`${b.host.url}approvals/${id}`);

    const r = await click(buttonClick({ user: 'UMIA', action: 'baton.approve', value: id, channel, ts }));
    expect(r.status).toBe(200);
    await eventually(() => b.approval(id).status === 'approved', 20_000, 'the approval');
    expect(b.approval(id).actor).toBe('Mia');
    const update = await updated(ts, 'Approved');
    expect(shown(update)).toContain('by Mia');
    expect(shown(update)).not.toContain('baton.approve');
    // The audit log names her.
    const audit = b.app.store.memory.listAudit(b.approval(id).run_id, 500);
    expect(audit.find((e) => e.entity_id === id && e.to_status === 'approved')?.actor).toBe('Mia');
  });

  it('refuses an unsigned, a forged, a stale and a replayed click, deciding nothing', async () => {
    const id = await b.gate('Rotate the keys');
    const { channel, ts } = await posted(id);
    const payload = buttonClick({ user: 'UMIA', action: 'baton.approve', value: id, channel, ts });
    expect((await click(payload, null)).status).toBe(401);
    expect((await click(payload, 'not-the-signing-secret')).status).toBe(401);
    const stale = await click(payload, SIGNING, Math.floor(Date.now() / 1000) - 6 * 60);
    expect(stale.status).toBe(401);
    expect(stale.body).toContain('older than five minutes');
    // A body changed after Slack signed it.
    const signed = slackRequest(SIGNING, payload);
    const tampered = await http(b.port, '/api/slack/interactions', {
      method: 'POST',
      headers: signed.headers,
      body: signed.body.replace('UMIA', 'UVIC'),
    });
    expect(tampered.status).toBe(401);
    expect(b.approval(id).status).toBe('pending');
    // The same signed request twice: taken once.
    const first = await http(b.port, '/api/slack/interactions', { method: 'POST', ...signed });
    const again = await http(b.port, '/api/slack/interactions', { method: 'POST', ...signed });
    expect(first.status).toBe(200);
    expect(again.status).toBe(401);
    expect(again.body).toContain('replay');
    await eventually(() => b.approval(id).status === 'approved', 20_000, 'the one click');
  });

  it('refuses a click from the future, its signature in other letters, or replayed under a new timestamp', async () => {
    const id = await b.gate('Empty the cache');
    const { channel, ts } = await posted(id);
    const payload = buttonClick({ user: 'UMIA', action: 'baton.approve', value: id, channel, ts });
    const future = await click(payload, SIGNING, Math.floor(Date.now() / 1000) + 6 * 60);
    expect(future.status).toBe(401);
    expect(future.body).toContain('from the future');
    const signed = slackRequest(SIGNING, payload);
    const send = (headers: Record<string, string>) =>
      http(b.port, '/api/slack/interactions', { method: 'POST', headers, body: signed.body });
    // The same signature, its hex in capitals: no second chance at the replay guard.
    const upper = {
      ...signed.headers,
      'X-Slack-Signature': `v0=${signed.headers['X-Slack-Signature']!.slice(3).toUpperCase()}`,
    };
    expect((await send(upper)).status).toBe(401);
    // The signature as Slack sent it, under a fresher timestamp than it was made for.
    const later = String(Number(signed.headers['X-Slack-Request-Timestamp']) + 1);
    expect((await send({ ...signed.headers, 'X-Slack-Request-Timestamp': later })).status).toBe(401);
    expect(b.approval(id).status).toBe('pending');
  });

  it("refuses a viewer's form, even one Slack signed, deciding nothing", async () => {
    const id = await b.gate('Delete the backups');
    await posted(id);
    const view = {
      callback_id: 'baton.decide',
      private_metadata: JSON.stringify({ approval_id: id, decision: 'reject', channel: null, ts: null }),
    };
    const submitted = await click(modalSubmission({ user: 'UVIC', view, comment: 'no' }));
    expect(JSON.parse(submitted.body)).toMatchObject({
      response_action: 'errors',
      errors: { comment: expect.stringContaining('Vic is a viewer') },
    });
    expect(b.approval(id).status).toBe('pending');
  });

  it('updates the message for everyone when the approval is decided in the app instead', async () => {
    const id = await b.gate('Send the newsletter');
    const { ts } = await posted(id);
    const decided = await b.rpc('approvals.decide', {
      approval_id: id,
      decision: 'reject',
      actor: 'Olive',
      comment: 'Not this week',
    });
    expect(decided.status).toBe(200);
    const update = await updated(ts, 'Rejected');
    expect(shown(update)).toContain('by Olive');
    expect(shown(update)).toContain('Not this week');
  });

  it("refuses a viewer's click and tells only them why; an unlinked member is told to link", async () => {
    const id = await b.gate('Drop the old tables');
    const { channel, ts } = await posted(id);
    expect(
      (await click(buttonClick({ user: 'UVIC', action: 'baton.approve', value: id, channel, ts }))).status,
    ).toBe(200);
    await ephemeral('UVIC', 'Vic is a viewer');
    expect(
      (await click(buttonClick({ user: 'USTRANGER', action: 'baton.approve', value: id, channel, ts })))
        .status,
    ).toBe(200);
    await ephemeral('USTRANGER', 'not linked to a person on this Baton');
    // A viewer's reject opens no form either.
    const opened = slack.of('views.open').length;
    await click(buttonClick({ user: 'UVIC', action: 'baton.reject', value: id, channel, ts }));
    await eventually(
      () => slack.of('chat.postEphemeral').filter((c) => c.args.user === 'UVIC').length >= 2,
      20_000,
    );
    expect(slack.of('views.open').length).toBe(opened);
    expect(b.approval(id).status).toBe('pending');
  });

  it("rejects a tool call from Slack with a message, which is the agent's next instruction", async () => {
    await call(b.app, 'agents.import', { agents: [{ id: 'seat', kind: 'human', skills: ['code'] }] });
    await call(b.app, 'plans.import', {
      plan: {
        plan_id: 'seat',
        tasks: [{ task_id: 'edit', description: 'Edit the config', required_skills: ['code'] }],
      },
    });
    const { run_id } = await call<{ run_id: string }>(b.app, 'runs.start', { plan_id: 'seat' });
    await call(b.app, 'work.execute', { agent_id: 'seat', run_id, task_id: 'edit' });
    const asker = { run_id, task_id: 'edit', attempt: 1 };
    const { approval_id: id } = await call<{ approval_id: string }>(b.app, 'inbox.ask', {
      ...asker,
      question: { kind: 'tool_call', call_id: 'toolu_1', tool: 'Write', input: { file_path: '/etc/hosts' } },
    });
    const { channel, ts } = await posted(id);
    expect(shown(slack.of('chat.postMessage').find((c) => shown(c).includes(id))!)).toContain('/etc/hosts');
    await click(
      buttonClick({ user: 'UMIA', action: 'baton.reject', value: id, channel, ts, trigger: '123.456.abc' }),
    );
    await eventually(
      () => slack.of('views.open').some((c) => c.args.trigger_id === '123.456.abc'),
      20_000,
      'the form',
    );
    const view = slack.of('views.open').find((c) => c.args.trigger_id === '123.456.abc')!.args.view as Record<
      string,
      unknown
    >;
    const instead = 'Do not touch /etc/hosts: write the override in ./hosts.local instead.';
    const submitted = await click(modalSubmission({ user: 'UMIA', view, comment: instead }));
    expect(submitted.status).toBe(200);
    expect(submitted.body).toBe('');
    const waited = await call<{ verdict: { approve: boolean; message: string; actor: string } | null }>(
      b.app,
      'inbox.wait',
      { ...asker, approval_id: id, wait_ms: 10_000 },
    );
    expect(waited.verdict).toMatchObject({
      approve: false,
      actor: 'Mia',
      message: `Denied by Mia: ${instead}`,
    });
    await updated(ts, 'Rejected');
  });

  it('keeps the form open with the reason when the decision is refused there', async () => {
    const id = await b.gate('Publish the docs');
    const { channel, ts } = await posted(id);
    await click(
      buttonClick({ user: 'UMIA', action: 'baton.reject', value: id, channel, ts, trigger: '9.9.form' }),
    );
    await eventually(
      () => slack.of('views.open').some((c) => c.args.trigger_id === '9.9.form'),
      20_000,
      'the form',
    );
    const view = slack.of('views.open').find((c) => c.args.trigger_id === '9.9.form')!.args.view as Record<
      string,
      unknown
    >;
    // Meanwhile Olive approves it in the app.
    await b.rpc('approvals.decide', { approval_id: id, decision: 'approve', actor: 'Olive' });
    const submitted = await click(modalSubmission({ user: 'UMIA', view, comment: 'too late' }));
    expect(JSON.parse(submitted.body)).toMatchObject({
      response_action: 'errors',
      errors: { comment: expect.stringContaining('already approved by Olive') },
    });
  });

  it('two people deciding at once: exactly one wins, and the other is told by whom', async () => {
    const id = await b.gate('Scale the cluster');
    const { channel, ts } = await posted(id);
    const [inSlack, inApp] = await Promise.all([
      click(buttonClick({ user: 'UMIA', action: 'baton.approve', value: id, channel, ts })),
      b.rpc('approvals.decide', { approval_id: id, decision: 'reject', actor: 'Olive' }),
    ]);
    expect(inSlack.status).toBe(200);
    await eventually(() => b.approval(id).status !== 'pending', 20_000);
    const winner = b.approval(id);
    if (winner.actor === 'Mia') {
      expect(winner.status).toBe('approved');
      expect(inApp.result).toMatchObject({
        ok: false,
        error: { code: 'conflict', message: expect.stringContaining('already approved by Mia') },
      });
    } else {
      expect(winner).toMatchObject({ status: 'rejected', actor: 'Olive' });
      expect(inApp.result).toMatchObject({ ok: true });
      await ephemeral('UMIA', 'already rejected by Olive');
    }
    await updated(ts, winner.actor === 'Mia' ? 'Approved' : 'Rejected');
  });

  it("links a person's Slack member only for them, the owner, or someone ranked above them", async () => {
    // An admin linked their own member to the owner, and decided as the owner where only she may.
    const ada = await b.join('Ada', 'admin');
    const bo = await b.join('Bo', 'member');
    const olive = (await call<{ id: string; name: string }[]>(b.app, 'people.list', {})).find(
      (p) => p.name === 'Olive',
    )!;
    const asAda = (person_id: string, slack_user_id: string) =>
      b.rpc('slack.linkPerson', { person_id, slack_user_id }, b.page(ada.cookie));
    const owner = await asAda(olive.id, 'UADA');
    expect(owner.status).toBe(403);
    expect(JSON.stringify(owner.result)).toContain(
      'Olive is an owner: only they or someone ranked above them',
    );
    expect((await asAda(ada.id, 'UADA')).status).toBe(200);
    expect((await asAda(bo.id, 'UBO')).status).toBe(200);
    const linked = await call<{ person_id: string; slack_user_id: string }[]>(b.app, 'slack.people', {});
    expect(linked.find((p) => p.person_id === olive.id)?.slack_user_id ?? null).not.toBe('UADA');
  });
});
