import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOnTempDir } from '../../../test/kit/host-kit.ts';
import { cookieOf, fromPage, post, rpc } from '../../../test/kit/people-kit.ts';
import type { BrowserHost } from './server.ts';

/**
 * The audit log over the browser host with people. `audit.list`'s `actor` is a filter (who made a
 * change), and was replaced with the caller's name as an acting method's is: a signed-in person saw
 * only their own entries. A webhook's URL (a Slack webhook's path is its secret) was written in the
 * log viewers read, while `webhooks.list` is an admin's. A member turned notifications off for all.
 */
describe('the audit log and settings with people', () => {
  let host: BrowserHost;
  let stop: () => Promise<void>;
  let port: number;
  const owner = () => ({ Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' });
  async function join(name: string, role: 'viewer' | 'member' | 'admin') {
    const { result } = await rpc(port, 'people.invite', { role }, owner());
    const invite = (result as { value: { secret: string } }).value.secret;
    const joined = await post(
      port,
      '/auth/join',
      { invite, name, password: `${name}-long-password` },
      fromPage(port),
    );
    expect(joined.status, joined.body).toBe(201);
    return fromPage(port, cookieOf(joined));
  }
  beforeAll(async () => {
    ({ host, stop } = await startOnTempDir((_d, a) => ({ people: a.people })));
    port = host.port;
    expect((await rpc(port, 'people.setupOwner', { name: 'Olive' }, owner())).status).toBe(200);
  });
  afterAll(() => stop());

  it("lists everyone's entries to a signed-in caller, and filters by the actor asked for", async () => {
    await join('Vic', 'viewer');
    const all = await rpc(port, 'audit.list', {}, owner());
    const actors = (all.result as { value: { actor: string }[] }).value.map((e) => e.actor);
    expect(actors).toContain('Vic');
    expect(actors).toContain('Olive');
    const vic = await rpc(port, 'audit.list', { actor: 'vic' }, owner());
    expect(new Set((vic.result as { value: { actor: string }[] }).value.map((e) => e.actor))).toEqual(
      new Set(['Vic']),
    );
  });

  it("keeps a webhook's secret path out of the log a viewer reads", async () => {
    const viewer = await join('Wes', 'viewer');
    expect((await rpc(port, 'webhooks.list', {}, viewer)).status).toBe(403);
    for (const [method, input] of [
      [
        'webhooks.add',
        {
          id: 'ops',
          url: 'https://hooks.slack.com/services/T000/B000/SECRETPATH',
          events: ['run.ended'],
          format: 'slack',
        },
      ],
      [
        'webhooks.update',
        {
          id: 'ops',
          url: 'https://hooks.slack.com/services/T000/B000/OTHERSECRET',
          events: ['run.ended'],
          format: 'slack',
        },
      ],
    ] as const)
      expect((await rpc(port, method, input, owner())).status, method).toBe(200);
    const audit = await rpc(port, 'audit.list', { entity: 'webhook' }, viewer);
    expect(audit.status).toBe(200);
    const text = JSON.stringify(audit.result);
    expect(text).not.toContain('SECRETPATH');
    expect(text).not.toContain('OTHERSECRET');
    // What it shows: where it posts, and that the URL changed.
    expect(text).toContain('https://hooks.slack.com/… (#');
    const [changed] = (
      audit.result as { value: { changes: { field: string; from: string; to: string }[] }[] }
    ).value;
    expect(changed!.changes.find((c) => c.field === 'url')?.from).not.toBe(
      changed!.changes.find((c) => c.field === 'url')?.to,
    );
  });

  it("leaves the notifications everyone gets to an admin: a member's change is refused", async () => {
    const member = await join('Mo', 'member');
    const off = await rpc(
      port,
      'notifications.configure',
      { kind: 'approval_waiting', enabled: false },
      member,
    );
    expect(off.status).toBe(403);
    const now = await rpc(port, 'notifications.settings', {}, owner());
    expect((now.result as { value: Record<string, boolean> }).value.approval_waiting).toBe(true);
    const admin = await join('Ada', 'admin');
    expect(
      (await rpc(port, 'notifications.configure', { kind: 'run_completed', enabled: false }, admin)).status,
    ).toBe(200);
  });
});
