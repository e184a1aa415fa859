import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '../../src-shared/contract/client.ts';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import { makeRepo } from '../agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';
import { createInProcessClient, createMemoryTransport } from './memory-transport.ts';

const SECRET_VALUE = 'sk-live-0123456789abcdef';

let dir: string;
let app: BatonApp;
const cleanups: (() => void)[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-config-audit-'));
  app = createApp({ dataDir: dir, log: () => {}, resume: false });
});
afterEach(async () => {
  await app.close();
  for (const c of cleanups.splice(0)) c();
  rmSync(dir, { recursive: true, force: true });
});

/** A client whose calls say they come from `name`, as the UI's do once a person said who they are. */
const as = (name: string) => createInProcessClient(app, { actor: name });

const audit = (input: Record<string, unknown> = {}) =>
  as('reader').invoke('audit.list', input) as Promise<AuditEntry[]>;

/** The entries, oldest first, as [entity, id, actor, to_status, why]. */
const rows = async (input: Record<string, unknown> = {}) =>
  (await audit(input)).reverse().map((e) => [e.entity, e.entity_id, e.actor, e.to_status, e.why]);

describe('every change a person makes to what Baton keeps is audited, in their name', () => {
  it('agents: added, changed field by field (an environment value hidden), removed', async () => {
    const ana = as('Ana');
    await ana.invoke('agents.create', {
      id: 'runner',
      kind: 'command',
      command: 'node',
      args: ['run.js'],
      env: { API_KEY: SECRET_VALUE, REGION: 'eu' },
    });
    await as('Bo').invoke('agents.save', {
      id: 'runner',
      kind: 'command',
      command: 'node',
      args: ['run.js', '--fast'],
      env: { API_KEY: `${SECRET_VALUE}-2`, REGION: 'eu' },
      sandbox: { mode: 'off' },
    });
    // Saved again as it is: nothing changed, nothing written.
    await as('Bo').invoke('agents.save', {
      id: 'runner',
      kind: 'command',
      command: 'node',
      args: ['run.js', '--fast'],
      env: { API_KEY: `${SECRET_VALUE}-2`, REGION: 'eu' },
      sandbox: { mode: 'off' },
    });
    await as('Cy').invoke('agents.remove', { agent_id: 'runner' });
    expect(await rows({ entity: 'agent' })).toEqual([
      ['agent', 'runner', 'Ana', 'added', 'agent "runner" added'],
      [
        'agent',
        'runner',
        'Bo',
        'sandbox off',
        'the OS sandbox of agent "runner" was turned off: its processes run with the full rights of the person who started Baton',
      ],
      ['agent', 'runner', 'Cy', 'removed', 'agent "runner" removed'],
    ]);
    const [, changed] = (await audit({ entity: 'agent' })).reverse();
    expect(changed!.changes).toEqual([
      { field: 'args', from: '["run.js"]', to: '["run.js","--fast"]' },
      { field: 'env.API_KEY', from: '(hidden)', to: '(hidden)' },
      // The policy's defaults (empty lists) are no change; its mode and unlisted hosts are.
      { field: 'sandbox.mode', from: null, to: 'off' },
      { field: 'sandbox.network.unlisted', from: null, to: 'deny' },
    ]);
    // The value is nowhere in the log, nor found by a search for it.
    expect(JSON.stringify(await audit())).not.toContain(SECRET_VALUE);
    expect(await audit({ query: SECRET_VALUE })).toEqual([]);
  });

  it('workspaces, plans, secrets (by name), schedules, triggers, webhooks and settings', async () => {
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    const ana = as('Ana');
    await ana.invoke('workspaces.add', { id: 'app', path: repo.repo });
    await ana.invoke('workspaces.update', {
      workspace_id: 'app',
      checks: [{ name: 'test', command: ['npm', 'test'] }],
    });
    const plan = {
      plan_id: 'nightly',
      tasks: [{ task_id: 'a', description: 'Do a', required_skills: ['x'] }],
    };
    await ana.invoke('plans.import', { plan });
    await ana.invoke('plans.import', {
      plan: { ...plan, budget: 5, tasks: [{ ...plan.tasks[0]!, description: 'Do a well' }] },
    });
    await ana.invoke('secrets.set', { name: 'hook_key', value: SECRET_VALUE });
    await ana.invoke('secrets.set', { name: 'hook_key', value: `${SECRET_VALUE}-2` });
    await ana.invoke('schedules.add', { id: 'every-hour', plan_id: 'nightly', cron: '0 * * * *' });
    await ana.invoke('schedules.setEnabled', { schedule_id: 'every-hour', enabled: false });
    await ana.invoke('triggers.add', { id: 'ping', plan_id: 'nightly' });
    await ana.invoke('webhooks.add', {
      id: 'ops',
      url: 'http://127.0.0.1:9/x',
      events: ['run.ended'],
      secret_name: 'hook_key',
    });
    await ana.invoke('webhooks.update', {
      id: 'ops',
      url: 'http://127.0.0.1:9/y',
      events: ['run.ended'],
      secret_name: 'hook_key',
    });
    await ana.invoke('notifications.configure', { kind: 'run_completed', enabled: false });
    await ana.invoke('webhooks.remove', { webhook_id: 'ops' });
    await ana.invoke('triggers.remove', { trigger_id: 'ping' });
    await ana.invoke('schedules.remove', { schedule_id: 'every-hour' });
    await ana.invoke('secrets.delete', { name: 'hook_key' });
    const entries = (await audit()).reverse();
    expect(entries.map((e) => [e.entity, e.entity_id, e.actor, e.to_status])).toEqual([
      ['workspace', 'app', 'Ana', 'added'],
      ['workspace', 'app', 'Ana', 'changed'],
      ['plan', 'nightly', 'Ana', 'added'],
      ['plan', 'nightly', 'Ana', 'changed'],
      ['secret', 'hook_key', 'Ana', 'set'],
      ['secret', 'hook_key', 'Ana', 'replaced'],
      ['schedule', 'every-hour', 'Ana', 'active'],
      ['schedule', 'every-hour', 'Ana', 'paused'],
      ['trigger', 'ping', 'Ana', 'active'],
      ['webhook', 'ops', 'Ana', 'active'],
      ['webhook', 'ops', 'Ana', 'active'],
      ['setting', 'notifications.run_completed', 'Ana', 'changed'],
      ['webhook', 'ops', 'Ana', 'removed'],
      ['trigger', 'ping', 'Ana', 'removed'],
      ['schedule', 'every-hour', 'Ana', 'removed'],
      ['secret', 'hook_key', 'Ana', 'deleted'],
    ]);
    const of = (entity: string, to: string) =>
      entries.find((e) => e.entity === entity && e.to_status === to)!;
    expect(of('workspace', 'changed').changes).toEqual([
      { field: 'checks.test.name', from: null, to: 'test' },
      { field: 'checks.test.command', from: null, to: '["npm","test"]' },
    ]);
    expect(of('plan', 'changed').why).toBe('plan "nightly" changed (version 2): budget, tasks.a.description');
    expect(of('plan', 'changed').changes).toEqual([
      { field: 'budget', from: null, to: '5' },
      { field: 'tasks.a.description', from: 'Do a', to: 'Do a well' },
    ]);
    // A webhook's URL by its origin: its path is often its secret (a Slack webhook's).
    expect(of('webhook', 'active').changes).toContainEqual({
      field: 'url',
      from: null,
      to: expect.stringMatching(/^http:\/\/127\.0\.0\.1:9\/… \(#[0-9a-f]{8}\)$/),
    });
    expect(of('setting', 'changed').changes).toEqual([{ field: 'run_completed', from: 'true', to: 'false' }]);
    expect(of('schedule', 'paused').changes).toEqual([{ field: 'enabled', from: 'true', to: 'false' }]);
    expect(of('secret', 'set').why).toBe('secret "hook_key" set (its value is not in the log)');
    expect(JSON.stringify(entries)).not.toContain(SECRET_VALUE);
  });

  it('records the name the caller gave, unless the input names who asks; "user" when neither does', async () => {
    await as('Ana').invoke('plans.import', {
      plan: { plan_id: 'p', tasks: [{ task_id: 'a', description: 'A' }] },
    });
    await as('Ana').invoke('plans.archive', { plan_id: 'p', archived: true, actor: 'Bo' });
    await createClient(createMemoryTransport(app.dispatch, app.bus)).invoke('plans.archive', {
      plan_id: 'p',
      archived: false,
    });
    expect((await rows({ entity: 'plan' })).map((r) => r[2])).toEqual(['Ana', 'Bo', 'user']);
  });

  it('refuses a call whose caller is not a name, and changes nothing', async () => {
    const r = await app.dispatch('secrets.set', { name: 'k', value: 'v' }, { actor: ' '.repeat(3) });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(r)).toContain('actor');
    const long = await app.dispatch('secrets.set', { name: 'k', value: 'v' }, { actor: 'x'.repeat(201) });
    expect(long.ok).toBe(false);
    expect((await as('Ana').invoke('secrets.list', {})).secrets).toEqual([]);
    expect(await audit()).toEqual([]);
  });
});
