import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionProtocols } from '../../../src-shared/contract/socket-auth.ts';
import { eventually, call as local } from '../../../test/kit/engine-kit.ts';
import { http, startOnTempDir, tryUpgrade } from '../../../test/kit/host-kit.ts';
import { cookieOf, fromPage, pageKeyOf, pageSocket, post, rpc } from '../../../test/kit/people-kit.ts';
import type { BatonApp } from '../../app/create-app.ts';
import type { BrowserHost } from './server.ts';

/**
 * People over the real browser host: HTTP and WebSocket on 127.0.0.1, a real SQLite file. The
 * owner is the launch token's holder; others join by invitation and sign in with a password.
 */
describe('people on the browser host', () => {
  let app: BatonApp;
  let host: BrowserHost;
  let stop: () => Promise<void>;
  let port: number;
  const owner = () => ({ Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' });
  const page = (cookie?: string) => fromPage(port, cookie);

  /** Invites a person with `role` (as the owner) and has them join with a password: their cookie. */
  async function join(name: string, role: 'viewer' | 'member' | 'admin'): Promise<string> {
    const { result } = await rpc(port, 'people.invite', { role }, owner());
    const secret = (result as { value: { secret: string } }).value.secret;
    const joined = await post(
      port,
      '/auth/join',
      { invite: secret, name, password: `${name}-long-password` },
      page(),
    );
    expect(joined.status, joined.body).toBe(201);
    return cookieOf(joined);
  }

  /** A plan whose one task waits at its gate for a person; the pending approval's id. */
  async function pendingGate(planId: string, extra: Record<string, unknown> = {}): Promise<string> {
    await local(app, 'plans.import', {
      plan: {
        plan_id: planId,
        tasks: [
          {
            task_id: 'ship',
            description: 'ship it',
            required_skills: ['x'],
            requires_approval: true,
            ...extra,
          },
        ],
      },
    });
    const { run_id } = await local<{ run_id: string }>(app, 'runs.start', { plan_id: planId });
    let id = '';
    await eventually(
      async () => {
        const list = await local<{ id: string; run_id: string }[]>(app, 'approvals.list', {
          status: 'pending',
        });
        id = list.find((a) => a.run_id === run_id)?.id ?? '';
        return id !== '';
      },
      10_000,
      'the gate',
    );
    return id;
  }

  beforeAll(async () => {
    ({ app, host, stop } = await startOnTempDir((_d, a) => ({ people: a.people })));
    port = host.port;
    await local(app, 'agents.import', { agents: [{ id: 'e', kind: 'echo', skills: ['x'] }] });
    const made = await rpc(port, 'people.setupOwner', { name: 'Olive' }, owner());
    expect(made.status).toBe(200);
  });
  afterAll(() => stop());

  it('makes the owner once, from this machine only; the launch token is the owner', async () => {
    expect((await rpc(port, 'people.me', {}, owner())).result).toMatchObject({
      ok: true,
      value: { person: { name: 'Olive', role: 'owner' }, via: 'local', setup_needed: false },
    });
    expect((await rpc(port, 'people.setupOwner', { name: 'Eve' }, owner())).result).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
  });

  it('signs in with a password; a wrong password and a name nobody has get the same answer', async () => {
    await join('Wren', 'member');
    const good = await post(port, '/auth/sign-in', { name: 'wren', password: 'Wren-long-password' }, page());
    expect(good.status).toBe(200);
    expect(String(good.headers['set-cookie'])).toMatch(/HttpOnly.*SameSite=Strict/);
    const wrong = await post(port, '/auth/sign-in', { name: 'Wren', password: 'not-her-password' }, page());
    const nobody = await post(
      port,
      '/auth/sign-in',
      { name: 'Nobody', password: 'not-her-password' },
      page(),
    );
    expect(wrong.status).toBe(401);
    expect(nobody.status).toBe(wrong.status);
    expect(nobody.body).toBe(wrong.body);
    expect(nobody.headers['set-cookie']).toBeUndefined();
  });

  it('locks a name after five failures, whether or not anyone has it, and says nothing more', async () => {
    await join('Lark', 'member');
    for (const name of ['Lark', 'Ghost']) {
      for (let i = 0; i < 5; i++)
        expect(
          (await post(port, '/auth/sign-in', { name, password: `guess-number-${i}` }, page())).status,
        ).toBe(401);
    }
    const right = await post(port, '/auth/sign-in', { name: 'Lark', password: 'Lark-long-password' }, page());
    const ghost = await post(
      port,
      '/auth/sign-in',
      { name: 'Ghost', password: 'Lark-long-password' },
      page(),
    );
    expect(right.status).toBe(429);
    expect(ghost.status).toBe(429);
    expect(JSON.parse(right.body).error.code).toBe(JSON.parse(ghost.body).error.code);
    expect(right.headers['set-cookie']).toBeUndefined();
  });

  it('refuses a signed-in request from another origin, or without the CSRF header, before reading it', async () => {
    const cookie = await join('Cato', 'member');
    const ok = await rpc(port, 'people.me', {}, page(cookie));
    expect(ok.result).toMatchObject({ ok: true, value: { person: { name: 'Cato' }, via: 'session' } });
    const foreign = { ...page(cookie), Origin: 'http://evil.example' };
    expect((await rpc(port, 'runs.list', {}, foreign)).status).toBe(403);
    const { 'X-Baton-Request': _csrf, ...noHeader } = page(cookie);
    expect((await rpc(port, 'runs.list', {}, noHeader)).status).toBe(403);
    const { Origin: _o, ...noOrigin } = page(cookie);
    expect((await rpc(port, 'runs.list', {}, noOrigin)).status).toBe(403);
    // Sign-in and joining, too: a form on another site cannot sign a browser in (login CSRF).
    expect(
      (await post(port, '/auth/sign-in', { name: 'Cato', password: 'Cato-long-password' }, foreign)).status,
    ).toBe(403);
    // The socket: a page of another origin cannot open it with the cookie.
    expect(await tryUpgrade(port, { Cookie: cookie, Origin: 'http://evil.example' })).toBe(403);
    expect(
      await tryUpgrade(
        port,
        { Cookie: cookie, Origin: `http://127.0.0.1:${port}` },
        { protocols: sessionProtocols(pageKeyOf(cookie)!) },
      ),
    ).toBe('open');
  });

  it('takes the cookie only with the key its page keeps: a server on another port of this host gets the cookie alone', async () => {
    // Cookies ignore ports: over plain http, an agent's dev server on 127.0.0.1 that a signed-in
    // person opened received the session cookie, and called Baton as them (it can send any Origin
    // and CSRF header; it never sees the page's storage, which is kept per port).
    const cookie = await join('Tia', 'member');
    const stolen = { Cookie: cookie, Origin: `http://127.0.0.1:${port}`, 'Content-Type': 'application/json' };
    for (const csrf of ['1', 'bpk_guessed'])
      expect((await rpc(port, 'runs.list', {}, { ...stolen, 'X-Baton-Request': csrf })).status).toBe(401);
    const planted = await rpc(
      port,
      'plans.import',
      { plan: { plan_id: 'planted', tasks: [{ task_id: 't', description: 'x', required_skills: ['x'] }] } },
      { ...stolen, 'X-Baton-Request': '1' },
    );
    expect(planted.status).toBe(401);
    expect(JSON.stringify(planted.result)).toContain("does not hold your session's key");
    expect(await tryUpgrade(port, stolen, { protocols: ['baton'] })).toBe(401);
    expect(await tryUpgrade(port, stolen, { protocols: sessionProtocols('bpk_guessed') })).toBe(401);
    // GET /auth/me with the cookie alone says nobody is signed in (the page then asks to sign in).
    const me = await http(port, '/auth/me', { headers: { Cookie: cookie } });
    expect(JSON.parse(me.body)).toMatchObject({ person: null });
    // Nor can it sign the person out at will.
    await post(port, '/auth/sign-out', {}, { ...stolen, 'X-Baton-Request': '1' });
    // The page that signed in, with its key: as before.
    expect((await rpc(port, 'runs.list', {}, page(cookie))).status).toBe(200);
    expect(await local<{ plan_id: string }[]>(app, 'plans.list', {})).not.toContainEqual(
      expect.objectContaining({ plan_id: 'planted' }),
    );
  });

  it("refuses a viewer's decision with a clear error; the viewer still sees the approval", async () => {
    const viewer = await join('Vic', 'viewer');
    const id = await pendingGate('viewer-gate');
    const list = await rpc(port, 'approvals.list', { status: 'pending' }, page(viewer));
    expect(list.result).toMatchObject({
      ok: true,
      value: expect.arrayContaining([expect.objectContaining({ id })]),
    });
    const decided = await rpc(
      port,
      'approvals.decide',
      { approval_id: id, decision: 'approve', actor: 'Olive' },
      page(viewer),
    );
    expect(decided.status).toBe(403);
    expect(decided.result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(JSON.stringify(decided.result)).toMatch(/needs the member role; Vic is a viewer/);
    expect(
      (await local<{ status: string }[]>(app, 'approvals.list', { status: 'pending' })).some(
        (a) => a.status === 'pending',
      ),
    ).toBe(true);
  });

  it('records the proven person as the actor, whatever name the input says', async () => {
    const member = await join('Mara', 'member');
    const id = await pendingGate('actor-gate');
    const decided = await rpc(
      port,
      'approvals.decide',
      { approval_id: id, decision: 'approve', actor: 'Olive' },
      page(member),
    );
    expect(decided.result).toMatchObject({ ok: true, value: { status: 'approved', actor: 'Mara' } });
  });

  it('holds a task to the people it names as approvers', async () => {
    const named = await join('Nell', 'member');
    const other = await join('Otto', 'member');
    const id = await pendingGate('named-gate', { approvers: { people: ['Nell'] } });
    const [view] = (
      await local<{ id: string; deciders: unknown }[]>(app, 'approvals.list', { status: 'pending' })
    ).filter((a) => a.id === id);
    expect(view?.deciders).toEqual({ people: ['Nell'], from: 'task' });
    const refused = await rpc(
      port,
      'approvals.decide',
      { approval_id: id, decision: 'approve' },
      page(other),
    );
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.result)).toContain('only Nell may decide this');
    const ok = await rpc(port, 'approvals.decide', { approval_id: id, decision: 'approve' }, page(named));
    expect(ok.result).toMatchObject({ ok: true, value: { actor: 'Nell' } });
  });

  it('when two people decide at once, exactly one wins and the other is told by whom', async () => {
    const a = await join('Ada', 'member');
    const b = await join('Bo', 'member');
    const id = await pendingGate('race-gate');
    const [ra, rb] = await Promise.all([
      rpc(port, 'approvals.decide', { approval_id: id, decision: 'approve' }, page(a)),
      rpc(port, 'approvals.decide', { approval_id: id, decision: 'reject' }, page(b)),
    ]);
    const results = [ra.result, rb.result] as { ok: boolean; error?: { code: string; message: string } }[];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const loser = results.find((r) => !r.ok)!;
    const winner = results[0]!.ok ? 'Ada' : 'Bo';
    expect(loser.error).toMatchObject({ code: 'conflict' });
    expect(loser.error!.message).toContain(`by ${winner}`);
  });

  it('refuses a session cookie replayed after sign-out', async () => {
    const cookie = await join('Sid', 'member');
    expect((await rpc(port, 'runs.list', {}, page(cookie))).status).toBe(200);
    expect((await post(port, '/auth/sign-out', {}, page(cookie))).status).toBe(200);
    const replayed = await rpc(port, 'runs.list', {}, page(cookie));
    expect(replayed.status).toBe(401);
    expect(await tryUpgrade(port, { Cookie: cookie, Origin: `http://127.0.0.1:${port}` })).toBe(401);
  });

  it("holds a personal token to its scope and its person's role, and refuses it once revoked", async () => {
    const cookie = await join('Tam', 'member');
    const made = await rpc(port, 'people.createToken', { name: 'read only', role: 'viewer' }, page(cookie));
    const { secret, token } = (made.result as { value: { secret: string; token: { id: string } } }).value;
    const bearer = { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' };
    expect((await rpc(port, 'runs.list', {}, bearer)).status).toBe(200);
    const start = await rpc(port, 'runs.start', { plan_id: 'race-gate' }, bearer);
    expect(start.status).toBe(403);
    expect(JSON.stringify(start.result)).toContain('runs.start needs the member role');
    // No wider than its person: a member cannot mint an admin token.
    expect(
      (await rpc(port, 'people.createToken', { name: 'wide', role: 'admin' }, page(cookie))).status,
    ).toBe(403);
    await rpc(port, 'people.revokeToken', { token_id: token.id }, page(cookie));
    expect((await rpc(port, 'runs.list', {}, bearer)).status).toBe(401);
  });

  it('refuses the worker protocol to a member: registering a worker makes agents, an admin right', async () => {
    // A member could register agents (a command agent running /bin/sh) through workers.register,
    // and claim the tasks of a worker bound to its own token: the worker token's binding is held
    // by the host for worker tokens only.
    const cookie = await join('Wes', 'member');
    for (const [method, input] of [
      ['workers.register', { worker_id: 'wx', agents: [{ id: 'evil', kind: 'echo', skills: ['x'] }] }],
      ['workers.claim', { worker_id: 'w1', slots: { wa: 1 } }],
      ['workers.heartbeat', { worker_id: 'w1' }],
      ['workers.leave', { worker_id: 'w1' }],
    ] as const) {
      const r = await rpc(port, method, input, page(cookie));
      expect(r.status, method).toBe(403);
      expect(JSON.stringify(r.result)).toContain(`${method} needs the admin role; Wes is a member`);
    }
    expect((await local<{ id: string }[]>(app, 'agents.list', {})).map((a) => a.id)).not.toContain('evil');
  });

  it('never lets a personal token change how its person signs in: no password, passkey, token or sign-out everywhere', async () => {
    // A viewer token of an admin set the admin's password, signed in with it (the whole admin
    // role), and locked the admin out.
    const cookie = await join('Ali', 'admin');
    const made = await rpc(port, 'people.createToken', { name: 'read only', role: 'viewer' }, page(cookie));
    const { secret, token } = (made.result as { value: { secret: string; token: { id: string } } }).value;
    const bearer = { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' };
    for (const [method, input] of [
      ['people.setPassword', { password: 'token-holder-chose-this' }],
      ['people.signOutEverywhere', {}],
      ['people.removePasskey', { passkey_id: 'pk' }],
      ['people.createToken', { name: 'another', role: 'viewer' }],
    ] as const) {
      const r = await rpc(port, method, input, bearer);
      expect(r.status, method).toBe(403);
      expect(JSON.stringify(r.result), method).toContain('not with a personal token');
    }
    const signIn = await post(
      port,
      '/auth/sign-in',
      { name: 'Ali', password: 'token-holder-chose-this' },
      page(),
    );
    expect(signIn.status).toBe(401);
    expect((await rpc(port, 'runs.list', {}, page(cookie))).status).toBe(200);
    // It may end itself (`baton logout`), and is refused from then on.
    expect((await rpc(port, 'people.revokeToken', { token_id: token.id }, bearer)).result).toMatchObject({
      ok: true,
      value: { revoked: true },
    });
    expect((await rpc(port, 'runs.list', {}, bearer)).status).toBe(401);
  });

  it('changes a password over a session only with the current one (a copied cookie cannot take the account)', async () => {
    const cookie = await join('Cy', 'member');
    const bare = await rpc(port, 'people.setPassword', { password: 'copied-cookie-chose' }, page(cookie));
    expect(bare.status).toBe(400);
    expect(JSON.stringify(bare.result)).toContain('current_password');
    const right = await rpc(
      port,
      'people.setPassword',
      { password: 'Cy-second-password', current_password: 'Cy-long-password' },
      page(cookie),
    );
    expect(right.status, JSON.stringify(right.result)).toBe(200);
    expect(
      (await post(port, '/auth/sign-in', { name: 'Cy', password: 'Cy-second-password' }, page())).status,
    ).toBe(200);
  });

  it("keeps an invitation's secret out of addresses: a fragment in the link, a body to the host", async () => {
    const { result } = await rpc(port, 'people.invite', { role: 'member' }, owner());
    const made = (result as { value: { secret: string; path: string } }).value;
    expect(made.path).toBe(`/join#invite=${made.secret}`);
    const asked = await post(port, '/auth/invite', { invite: made.secret }, page());
    expect(asked.status, asked.body).toBe(200);
    expect(JSON.parse(asked.body)).toMatchObject({ role: 'member' });
    // The old address, with the secret in its query (kept by proxies' logs), answers nothing.
    const old = await http(port, `/auth/invite?invite=${made.secret}`, { headers: page() });
    expect(old.status).toBe(404);
    expect(old.body).not.toContain('member');
  });

  it("pushes an admin's events (a webhook's secret URL) to admins' sockets only; the rest to everyone", async () => {
    const vic = await join('Val', 'viewer');
    const ann = await join('Abe', 'admin');
    const origin = { Origin: `http://127.0.0.1:${port}` };
    const viewer = pageSocket(port, { Cookie: vic, ...origin });
    const admin = pageSocket(port, { Cookie: ann, ...origin });
    await Promise.all([viewer.open, admin.open]);
    expect((await viewer.call('webhooks.list', {})).ok).toBe(false);
    const hook = await rpc(
      port,
      'webhooks.add',
      {
        url: 'https://hooks.slack.com/services/T000/B000/SECRETPATH',
        events: ['run.ended'],
        format: 'slack',
      },
      owner(),
    );
    expect(hook.status, JSON.stringify(hook.result)).toBe(200);
    await local(app, 'plans.import', {
      plan: { plan_id: 'after-hook', tasks: [{ task_id: 'a', description: 'd', required_skills: ['x'] }] },
    });
    // The plan came to both, after the webhook (events go out in order): the webhook to the admin only.
    await eventually(
      async () => viewer.events.includes('plan.updated') && admin.events.includes('plan.updated'),
      10_000,
      'the plan',
    );
    expect(admin.events).toContain('webhook.updated');
    expect(viewer.events).not.toContain('webhook.updated');
    viewer.close();
    admin.close();
  });

  it("closes a removed person's open socket at once, and refuses their cookie and tokens", async () => {
    const cookie = await join('Rex', 'member');
    const made = await rpc(port, 'people.createToken', { name: 'cli' }, page(cookie));
    const { secret } = (made.result as { value: { secret: string } }).value;
    const socket = pageSocket(port, { Cookie: cookie, Origin: `http://127.0.0.1:${port}` });
    await socket.open;
    expect(await socket.call('people.me', {})).toMatchObject({
      ok: true,
      value: { person: { name: 'Rex' } },
    });
    const people = (await local<{ id: string; name: string }[]>(app, 'people.list', {})).find(
      (p) => p.name === 'Rex',
    )!;
    // An admin (here the owner) removes Rex: the socket is closed, no further call runs.
    expect((await rpc(port, 'people.remove', { person_id: people.id }, owner())).result).toMatchObject({
      ok: true,
      value: { removed: true },
    });
    expect(await socket.closed).toBe(4401);
    expect((await rpc(port, 'runs.list', {}, page(cookie))).status).toBe(401);
    expect((await rpc(port, 'runs.list', {}, { Authorization: `Bearer ${secret}` })).status).toBe(401);
  });

  it('keeps the launch token working as before, and the UI page sets no cookie', async () => {
    expect((await http(port, '/api/health', { headers: owner() })).status).toBe(200);
    expect((await http(port, '/')).headers['set-cookie']).toBeUndefined();
    expect((await http(port, '/auth/me')).body).toContain('"person":null');
  });
});
