import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '../../../../src-shared/contract/events.ts';
import type { AuditEntry } from '../../../../src-shared/schemas/memory.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { call, eventually } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

/** An app with workspace `app` registered (its sandbox as given). */
async function withWorkspace(sandbox?: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'baton-ws-update-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const r = makeRepo();
  cleanups.push(r.cleanup);
  app = createApp({ dataDir: dir, log: () => {}, resume: false });
  await call(app, 'workspaces.add', { id: 'app', path: r.repo, ...(sandbox ? { sandbox } : {}) });
  return app;
}

const workspaceAudits = async (a: BatonApp) =>
  (await call<AuditEntry[]>(a, 'audit.list', { entity: 'workspace' })).map((e) => [
    e.entity_id,
    e.from_status,
    e.to_status,
  ]);

describe('workspaces.update', () => {
  it("replaces a workspace's sandbox policy, lists it, and tells the UI", async () => {
    const a = await withWorkspace();
    const events: EventBatch = [];
    a.bus.subscribe((b) => events.push(...b));
    const policy = {
      mode: 'required',
      network: { allow: ['registry.npmjs.org', '127.0.0.1:4873'], unlisted: 'ask' },
      write_allow: ['~/.cache/npm'],
      read_allow: ['~/.npmrc'],
      read_deny: ['/srv/private'],
    };
    const w = await call<Workspace>(a, 'workspaces.update', { workspace_id: 'app', sandbox: policy });
    expect(w.sandbox).toEqual(policy);
    const [listed] = await call<Workspace[]>(a, 'workspaces.list', {});
    expect(listed!.sandbox).toEqual(policy);
    await eventually(() => events.some((e) => e.name === 'workspace.updated'));
    // Required, nothing turned off: a change like any other, field by field.
    expect(await workspaceAudits(a)).toEqual([
      ['app', null, 'changed'],
      ['app', null, 'added'],
    ]);
    const [changed] = await call<AuditEntry[]>(a, 'audit.list', { entity: 'workspace' });
    expect(changed!.why).toBe(
      'workspace "app" changed: sandbox.mode, sandbox.network.allow, sandbox.network.unlisted, sandbox.read_deny, sandbox.read_allow, sandbox.write_allow',
    );
    expect(changed!.changes![1]).toEqual({
      field: 'sandbox.network.allow',
      from: null,
      to: '["registry.npmjs.org","127.0.0.1:4873"]',
    });
  });

  it('names the field of a bad policy and of an unknown workspace, and changes nothing', async () => {
    const a = await withWorkspace();
    const bad = await a.dispatch('workspaces.update', {
      workspace_id: 'app',
      sandbox: { mode: 'required', network: { allow: ['not a host'] } },
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.code).toBe('invalid_input');
    const issues = (bad.error.details as { issues: { path: string; message: string }[] }).issues;
    expect(issues[0]!.path).toBe('sandbox.network.allow[0]');
    expect(issues[0]!.message).toMatch(/must be a host name/);
    const missing = await a.dispatch('workspaces.update', { workspace_id: 'nope', sandbox: {} });
    expect(missing.ok).toBe(false);
    if (missing.ok) return;
    expect(missing.error.code).toBe('not_found');
    expect(missing.error.message).toContain('workspace "nope" not found');
    const [listed] = await call<Workspace[]>(a, 'workspaces.list', {});
    expect(listed!.sandbox).toBeNull();
  });

  it('records turning the sandbox off in the audit log, once, and not turning it back on', async () => {
    const a = await withWorkspace();
    const off = { mode: 'off' };
    await call(a, 'workspaces.update', { workspace_id: 'app', sandbox: off });
    await call(a, 'workspaces.update', { workspace_id: 'app', sandbox: off });
    await call(a, 'workspaces.update', { workspace_id: 'app', sandbox: { mode: 'required' } });
    // Turned off once (the same policy again changes nothing), then back on: a plain change.
    expect(await workspaceAudits(a)).toEqual([
      ['app', null, 'changed'],
      ['app', 'required', 'sandbox off'],
      ['app', null, 'added'],
    ]);
    const [, entry] = await call<AuditEntry[]>(a, 'audit.list', { entity: 'workspace' });
    expect(entry!.why).toBe(
      'the OS sandbox of workspace "app" was turned off: its setup command runs with the full rights of the person who started Baton',
    );
  });

  it('opens protected paths to its agents on purpose, naming a bad one; opening is audited', async () => {
    const a = await withWorkspace();
    const bad = await a.dispatch('workspaces.update', {
      workspace_id: 'app',
      allow_protected_writes: ['.vscode', '.git/hooks'],
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const issues = (bad.error.details as { issues: { path: string; message: string }[] }).issues;
    expect(issues[0]!.path).toBe('allow_protected_writes[1]');
    expect(issues[0]!.message).toMatch(/^must be one of the protected paths: \.gitconfig, /);
    const w = await call<Workspace>(a, 'workspaces.update', {
      workspace_id: 'app',
      allow_protected_writes: ['.vscode/', '.mcp.json'],
    });
    expect(w.allow_protected_writes).toEqual(['.vscode', '.mcp.json']);
    const [listed] = await call<Workspace[]>(a, 'workspaces.list', {});
    expect(listed!.allow_protected_writes).toEqual(['.vscode', '.mcp.json']);
    // Left out: as it was.
    await call(a, 'workspaces.update', { workspace_id: 'app', sandbox: { mode: 'required' } });
    const [again] = await call<Workspace[]>(a, 'workspaces.list', {});
    expect(again!.allow_protected_writes).toEqual(['.vscode', '.mcp.json']);
    const entries = await call<AuditEntry[]>(a, 'audit.list', { entity: 'workspace' });
    // Besides the field-by-field entries of each change, opening is said in its own words, once.
    const opened = entries.filter((e) => e.to_status === 'protected paths opened');
    expect(opened.map((e) => [e.to_status, e.why])).toEqual([
      [
        'protected paths opened',
        'the agents of workspace "app" may write .vscode, .mcp.json (protected paths, read-only to them otherwise): what they write there is marked in the diff review',
      ],
    ]);
  });

  it('replaces its environment and what a pooled worktree keeps, its values hidden in the audit log', async () => {
    const a = await withWorkspace();
    const w = await call<Workspace>(a, 'workspaces.update', {
      workspace_id: 'app',
      env: { NODE_ENV: 'test', NPM_TOKEN: { secret: 'npm-token' } },
      keep_ignored: ['node_modules/', '.venv/'],
    });
    expect(w.env).toEqual({ NODE_ENV: 'test', NPM_TOKEN: { secret: 'npm-token' } });
    expect(w.keep_ignored).toEqual(['node_modules/', '.venv/']);
    // Left out: as it was; given: replaced whole.
    await call(a, 'workspaces.update', { workspace_id: 'app', keep_ignored: [] });
    const [listed] = await call<Workspace[]>(a, 'workspaces.list', {});
    expect(listed!.env).toEqual({ NODE_ENV: 'test', NPM_TOKEN: { secret: 'npm-token' } });
    expect(listed!.keep_ignored).toEqual([]);
    const [cleared, changed] = await call<AuditEntry[]>(a, 'audit.list', { entity: 'workspace' });
    expect(cleared!.why).toBe('workspace "app" changed: keep_ignored');
    expect(changed!.why).toBe('workspace "app" changed: env.NODE_ENV, env.NPM_TOKEN.secret, keep_ignored');
    expect(JSON.stringify(changed!.changes)).not.toContain('test');
    // A bad pattern or variable name is named, and nothing changes.
    const bad = await a.dispatch('workspaces.update', {
      workspace_id: 'app',
      env: { NODE_ENV: 'x' },
      keep_ignored: ['!dist/'],
    });
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const issues = (bad.error.details as { issues: { path: string; message: string }[] }).issues;
    expect(issues.map((i) => i.path)).toEqual(['keep_ignored[0]']);
    expect(issues[0]!.message).toMatch(/must not start with !/);
    const [after] = await call<Workspace[]>(a, 'workspaces.list', {});
    expect(after!.env.NODE_ENV).toBe('test');
  });

  it("forwards its agents' ports only when asked: off when registered, turned on and off, kept in the store; a value that is not true or false is refused naming the field, nothing changed", async () => {
    const a = await withWorkspace();
    const [added] = await call<Workspace[]>(a, 'workspaces.list', {});
    expect(added!.forward_ports).toBe(false);
    const on = await call<Workspace>(a, 'workspaces.update', { workspace_id: 'app', forward_ports: true });
    expect(on.forward_ports).toBe(true);
    expect(a.store.workspaces.get('app')!.forward_ports).toBe(true);
    const [changed] = await call<AuditEntry[]>(a, 'audit.list', { entity: 'workspace' });
    expect(changed!.why).toBe('workspace "app" changed: forward_ports');
    // Another field changed leaves it as it is.
    await call(a, 'workspaces.update', { workspace_id: 'app', keep_ignored: ['dist/'] });
    expect(a.store.workspaces.get('app')!.forward_ports).toBe(true);
    for (const value of ['yes', 1, null]) {
      const bad = await a.dispatch('workspaces.update', { workspace_id: 'app', forward_ports: value });
      expect(bad.ok).toBe(false);
      if (bad.ok) return;
      expect(bad.error.code).toBe('invalid_input');
      const issues = (bad.error.details as { issues: { path: string }[] }).issues;
      expect(issues.map((i) => i.path)).toEqual(['forward_ports']);
      expect(bad.error.message).toContain('forward_ports');
    }
    expect(a.store.workspaces.get('app')!.forward_ports).toBe(true);
    const off = await call<Workspace>(a, 'workspaces.update', { workspace_id: 'app', forward_ports: false });
    expect(off.forward_ports).toBe(false);
    // Registered with it: on from the start; a bad value registers nothing.
    const other = makeRepo();
    cleanups.push(other.cleanup);
    const b = await call<Workspace>(a, 'workspaces.add', { id: 'b', path: other.repo, forward_ports: true });
    expect(b.forward_ports).toBe(true);
    expect(a.store.workspaces.get('b')!.forward_ports).toBe(true);
    const third = makeRepo();
    cleanups.push(third.cleanup);
    const refused = await a.dispatch('workspaces.add', { id: 'c', path: third.repo, forward_ports: 'on' });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect((refused.error.details as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual([
      'forward_ports',
    ]);
    expect(a.store.workspaces.get('c')).toBeUndefined();
  });

  it('records a workspace registered with its sandbox off', async () => {
    const a = await withWorkspace({ mode: 'off' });
    expect(await workspaceAudits(a)).toEqual([['app', null, 'sandbox off']]);
  });
});

describe('workspaces.allowedHosts and workspaces.forgetHost', () => {
  it('lists the hosts people allowed for a workspace when asked, and forgets one, in the audit log', async () => {
    const a = await withWorkspace();
    a.store.sandboxHosts.allow({
      scope: 'workspace:app',
      host: 'pypi.org:443',
      allowed_by: 'ana',
      at: '2026-11-25T02:00:00.000Z',
      approval_id: null,
    });
    expect(await call(a, 'workspaces.allowedHosts', { workspace_id: 'app' })).toEqual([
      {
        scope: 'workspace:app',
        host: 'pypi.org:443',
        allowed_by: 'ana',
        at: '2026-11-25T02:00:00.000Z',
        approval_id: null,
      },
    ]);
    const bad = await a.dispatch('workspaces.forgetHost', { workspace_id: 'app', host: 'http://x' });
    expect(!bad.ok && bad.error.message).toContain('host');
    expect(await call(a, 'workspaces.forgetHost', { workspace_id: 'app', host: 'pypi.org:443' })).toEqual({
      forgotten: true,
    });
    expect(await call(a, 'workspaces.forgetHost', { workspace_id: 'app', host: 'pypi.org:443' })).toEqual({
      forgotten: false,
    });
    expect(await call(a, 'workspaces.allowedHosts', { workspace_id: 'app' })).toEqual([]);
    expect(await workspaceAudits(a)).toEqual([
      ['app', null, 'host forgotten'],
      ['app', null, 'added'],
    ]);
    const missing = await a.dispatch('workspaces.allowedHosts', { workspace_id: 'nope' });
    expect(!missing.ok && missing.error.code).toBe('not_found');
  });
});
