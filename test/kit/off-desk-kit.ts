import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { Clock } from '../../src-main/engine/clock.ts';
import type { BrowserHost, BrowserHostOptions } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import type { ReachOptions } from '../../src-main/reach/index.ts';
import { call, eventually } from './engine-kit.ts';
import { cookieOf, fromPage, post, rpc } from './people-kit.ts';

/**
 * A Baton with people, served as `baton serve` serves it (the browser host on 127.0.0.1 with
 * sign-in, one-time links and Slack's route; push and Slack sent from it), on a real SQLite file:
 * what the tests of the views away from the desk start from. Olive is the owner; others join by
 * invitation with a password.
 */
export async function offDeskBaton(
  opts: { reach?: Partial<ReachOptions>; host?: Partial<BrowserHostOptions>; clock?: Clock } = {},
) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-off-desk-'));
  const app: BatonApp = createApp({
    dataDir: dir,
    log: () => {},
    reach: { pollMs: 20, ...opts.reach },
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const host: BrowserHost = await startBrowserHost({
    dispatch: app.dispatch,
    bus: app.bus,
    rendererDir: dir,
    people: app.people,
    slack: app.reach.slack.route,
    approval: app.approvalView,
    ...opts.host,
  });
  const port = host.port;
  const owner = { Authorization: `Bearer ${host.token}`, 'Content-Type': 'application/json' };
  await rpc(port, 'people.setupOwner', { name: 'Olive' }, owner);
  await call(app, 'agents.import', { agents: [{ id: 'e', kind: 'echo', skills: ['x'] }] });
  app.reach.servePeopleAt(host.url);
  let plans = 0;
  return {
    dir,
    app,
    host,
    port,
    /** The owner's headers (the launch token). */
    owner,
    /** A page's headers, signed in by `cookie` (or not). */
    page: (cookie?: string) => fromPage(port, cookie),
    /** A call as the owner, over HTTP. */
    rpc: (method: string, input: unknown, headers: Record<string, string> = owner) =>
      rpc(port, method, input, headers),
    /** Invites a person with `role` and has them join with a password: their id and session cookie. */
    async join(name: string, role: 'viewer' | 'member' | 'admin'): Promise<{ id: string; cookie: string }> {
      const { result } = await rpc(port, 'people.invite', { role }, owner);
      const secret = (result as { value: { secret: string } }).value.secret;
      const joined = await post(
        port,
        '/auth/join',
        { invite: secret, name, password: `${name}-long-password` },
        fromPage(port),
      );
      if (joined.status !== 201) throw new Error(`${name} could not join: ${joined.body}`);
      return {
        id: (JSON.parse(joined.body) as { person: { id: string } }).person.id,
        cookie: cookieOf(joined),
      };
    },
    /** A plan whose one task waits at its gate; the pending approval's id. */
    async gate(description = 'Deploy to production', extra: Record<string, unknown> = {}): Promise<string> {
      const planId = `p${++plans}`;
      await call(app, 'plans.import', {
        plan: {
          plan_id: planId,
          tasks: [
            { task_id: 'ship', description, required_skills: ['x'], requires_approval: true, ...extra },
          ],
        },
      });
      const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: planId });
      let id = '';
      await eventually(
        async () => {
          const list = await call<{ id: string; run_id: string }[]>(app, 'approvals.list', {
            status: 'pending',
          });
          id = list.find((a) => a.run_id === run_id)?.id ?? '';
          return id !== '';
        },
        20_000,
        'the gate',
      );
      return id;
    },
    /** An approval's status and who decided it, as stored. */
    approval: (id: string) => app.store.approvals.get(id)!,
    async stop(): Promise<void> {
      app.reach.servePeopleAt(null);
      await host.close();
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type OffDeskBaton = Awaited<ReturnType<typeof offDeskBaton>>;
