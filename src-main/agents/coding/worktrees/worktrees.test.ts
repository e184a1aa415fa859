import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeptWorktree, PortsNow, WorktreePlace } from '../../../../src-shared/schemas/worktrees.ts';
import { call, setup } from '../../../../test/kit/engine-kit.ts';
import { freeBlock } from '../../../../test/kit/free-ports.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { BATON_ROOT } from '../../../processes/user-env.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';
import { writeStandInEditor } from './testing/stand-in-editor.ts';

const STREAM = join(import.meta.dirname, '../../../../test/coding-agents/streams/codex-shell.jsonl');
let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
const PATH_BEFORE = process.env.PATH;
afterEach(async () => {
  process.env.PATH = PATH_BEFORE;
  delete process.env.BATON_TEST_TOKEN;
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0).reverse()) c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Dispatches as the app's owner; a refusal comes back as its wire error. */
async function attempt(method: string, input: unknown) {
  const r = await app!.dispatch(method, input);
  return r.ok ? { ok: true as const, value: r.value } : { ok: false as const, error: r.error };
}

/**
 * An app whose coding task `t` (run ended, its worktree kept on disk) and `u` (the same) were
 * made by a real codex stand-in in real worktrees of `repo`: it writes a file and prints a turn.
 */
async function keptWorktrees(): Promise<{ run: string; repo: TempRepo; data: string }> {
  const data = tempDir('baton-wt-app-');
  const scripts = tempDir('baton-wt-cli-');
  const repo = makeRepo();
  cleanups.push(repo.cleanup);
  const gate = join(scripts, 'gate');
  const cli = join(scripts, 'codex.sh');
  // It waits for the test to keep its worktree, then works.
  writeFileSync(
    cli,
    `#!/bin/sh\nwhile [ ! -e "${gate}" ]; do sleep 0.05; done\necho work > work.txt\ncat "${STREAM}"\n`,
  );
  chmodSync(cli, 0o755);
  app = createApp({ dataDir: data, log: () => {} });
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  // Ports nobody on the machine listens on now (every app's first block is 42000): a test says none listens.
  await call(app, 'worktrees.saveSettings', {
    editor: null,
    custom_command: null,
    port_base: await freeBlock(20),
    port_block: 10,
  });
  const run = await setup(
    app,
    [
      {
        id: 'coder',
        kind: 'coding',
        cli: 'codex',
        executable: cli,
        skills: ['code'],
        max_concurrency: 2,
        // Baton writes the CLI's home (a provider nothing calls): the person's ~/.codex is not bound, so
        // another Baton's codex on this machine cannot race its sandbox.
        provider: { base_url: 'http://127.0.0.1:9/v1' },
        model: 'm',
      },
    ],
    {
      plan_id: 'site',
      name: 'Site',
      workspace: 'app',
      tasks: ['t', 'u'].map((task_id) => ({ task_id, description: 'work', required_skills: ['code'] })),
    },
  );
  for (const t of ['t', 'u']) {
    await expect.poll(() => app!.store.sessions.get(run, t)?.state, { timeout: 60_000 }).toBe('active');
    await call(app, 'runs.keepWorktree', { run_id: run, task_id: t, keep: true });
  }
  writeFileSync(gate, '');
  await app.engine.whenSettled(run);
  await app.coding.worktreesSettled();
  return { run, repo, data };
}

/** A stand-in editor on a PATH the test controls: it writes its argv and its environment where `out` says. */
function fakeEditor(name: string): { bin: string; out: string } {
  const bin = tempDir('baton-wt-bin-');
  const out = join(bin, 'seen.json');
  writeStandInEditor(
    join(bin, name),
    out,
    '{ argv: process.argv.slice(2), cwd: process.cwd(), env: process.env }',
  );
  return { bin, out };
}

const seen = (out: string) =>
  JSON.parse(readFileSync(out, 'utf8')) as { argv: string[]; cwd: string; env: Record<string, string> };

describe('worktrees.open', () => {
  it("starts the editor found on the person's PATH (never Baton's node_modules/.bin), detached, the folder one argument, the person's environment", async () => {
    const { run } = await keptWorktrees();
    const { bin, out } = fakeEditor('code');
    const ownBin = join(BATON_ROOT, 'node_modules', '.bin');
    // Baton's own folder first on PATH, as npm puts it: the editor must not be looked for there, nor get it.
    process.env.PATH = [ownBin, bin, PATH_BEFORE].join(delimiter);
    process.env.BATON_TEST_TOKEN = 'baton-only';
    const editors = (await call<{ editors: { id: string; program: string | null }[]; chosen: string }>(
      app!,
      'worktrees.editors',
      {},
    ))!;
    expect(editors.editors.find((e) => e.id === 'vscode')?.program).toBe(join(bin, 'code'));
    expect(editors.chosen).toBe('vscode');
    const dir = app!.store.sessions.get(run, 't')!.dir;
    const opened = await call<{ path: string; argv: string[] }>(app!, 'worktrees.open', {
      run_id: run,
      task_id: 't',
    });
    expect(opened).toMatchObject({ path: dir, editor: 'vscode', argv: [join(bin, 'code'), dir] });
    await expect.poll(() => existsSync(out), { timeout: 20_000 }).toBe(true);
    const s = seen(out);
    expect(s.argv).toEqual([dir]);
    expect(s.cwd).toBe(dir);
    expect(s.env.PATH!.split(delimiter)).toContain(bin);
    expect(s.env.PATH!.split(delimiter)).not.toContain(ownBin);
    expect(s.env.BATON_TEST_TOKEN).toBeUndefined();
  });

  it('runs a custom command from Settings as argv, {path} replaced in its words, no shell', async () => {
    const { run } = await keptWorktrees();
    const { bin, out } = fakeEditor('my-editor');
    process.env.PATH = [bin, PATH_BEFORE].join(delimiter);
    const pwned = join(bin, 'pwned');
    await call(app!, 'worktrees.saveSettings', {
      editor: 'custom',
      custom_command: ['my-editor', '--folder={path}', `$(touch ${pwned}); echo {path}`],
      port_base: 42_000,
      port_block: 10,
    });
    const dir = app!.store.sessions.get(run, 't')!.dir;
    await call(app!, 'worktrees.open', { run_id: run, task_id: 't' });
    await expect.poll(() => existsSync(out), { timeout: 20_000 }).toBe(true);
    expect(seen(out).argv).toEqual([`--folder=${dir}`, `$(touch ${pwned}); echo ${dir}`]);
    expect(existsSync(pwned)).toBe(false);
  });

  it('says which programs it looked for when no editor is installed, and refuses a custom command without {path}, naming the field', async () => {
    const { run } = await keptWorktrees();
    process.env.PATH = tempDir('baton-wt-empty-');
    const r = await attempt('worktrees.open', { run_id: run, task_id: 't', editor: 'zed' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(!r.ok && r.error.message).toMatch(
      /Zed is not installed here: none of `zed`, `zeditor` is on the PATH/,
    );
    const bad = await attempt('worktrees.saveSettings', {
      editor: 'custom',
      custom_command: ['my-editor'],
      port_base: 42_000,
      port_block: 10,
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(!bad.ok && bad.error)).toContain('custom_command');
  });

  it("refuses what is not Baton's own worktree: ../ in an id, a recorded folder outside its worktrees folder, a link, another run's folder", async () => {
    const { run, repo } = await keptWorktrees();
    const { bin, out } = fakeEditor('code');
    process.env.PATH = [bin, PATH_BEFORE].join(delimiter);
    const dot = await attempt('worktrees.open', { run_id: run, task_id: '../t' });
    expect(dot).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(JSON.stringify(!dot.ok && dot.error)).toContain('task_id');

    const db = app!.store.db;
    const setDir = (task: string, dir: string) =>
      db.prepare('UPDATE task_sessions SET dir = ? WHERE run_id = ? AND task_id = ?').run(dir, run, task);
    const tDir = app!.store.sessions.get(run, 't')!.dir;
    const uDir = app!.store.sessions.get(run, 'u')!.dir;
    const root = app!.coding.worktreeRoot;

    // A row naming the person's own repository (or any folder outside Baton's worktrees).
    setDir('t', repo.repo);
    for (const m of ['worktrees.open', 'worktrees.archive']) {
      const r = await attempt(m, { run_id: run, task_id: 't' });
      expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(!r.ok && r.error.message).toMatch(/outside Baton's worktrees folder/);
    }
    // ../ in the recorded folder.
    setDir('t', join(root, run, '..', '..', '..', repo.repo));
    expect(await attempt('worktrees.archive', { run_id: run, task_id: 't' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    // Another run's folder under the worktrees folder.
    setDir('t', join(root, 'another-run', 't', 'tree'));
    const other = await attempt('worktrees.open', { run_id: run, task_id: 't' });
    expect(!other.ok && other.error.message).toMatch(/in the folder of another run \("another-run"\)/);
    setDir('t', tDir);

    // Its folder swapped for a link to somewhere else (the repository): neither opened nor removed.
    renameSync(uDir, `${uDir}.moved`);
    cleanups.push(() => rmSync(`${uDir}.moved`, { recursive: true, force: true }));
    symlinkSync(repo.repo, uDir);
    for (const m of ['worktrees.open', 'worktrees.archive']) {
      const r = await attempt(m, {
        run_id: run,
        task_id: 'u',
        ...(m === 'worktrees.archive' ? { discard_changes: true } : {}),
      });
      expect(!r.ok && r.error.message).toMatch(/is a link, not a folder/);
    }
    // A link on the way (its task's folder) leading out.
    rmSync(uDir);
    const taskDir = join(uDir, '..');
    renameSync(taskDir, `${taskDir}.real`);
    cleanups.push(() => rmSync(`${taskDir}.real`, { recursive: true, force: true }));
    const outside = tempDir('baton-wt-outside-');
    mkdirSync(join(outside, 'tree'));
    symlinkSync(outside, taskDir);
    const r = await attempt('worktrees.archive', { run_id: run, task_id: 'u', discard_changes: true });
    expect(!r.ok && r.error.message).toMatch(/outside Baton's worktrees folder/);
    expect(existsSync(join(outside, 'tree'))).toBe(true);
    expect(existsSync(repo.repo)).toBe(true);
    expect(existsSync(out)).toBe(false);
  });
});

describe('worktrees.list and worktrees.archive', () => {
  it('lists kept worktrees with task, branch, size, age and ports; archive removes one (its branch and commits stay), refusing uncommitted changes until asked', async () => {
    const { run, repo } = await keptWorktrees();
    const list = await call<KeptWorktree[]>(app!, 'worktrees.list', {});
    expect(list.map((k) => k.task_id).sort()).toEqual(['t', 'u']);
    const t = list.find((k) => k.task_id === 't')!;
    expect(t).toMatchObject({
      run_id: run,
      plan_id: 'site',
      plan_name: 'Site',
      workspace_id: 'app',
      branch: `baton/${run}/t`,
      state: 'kept',
      run_status: 'completed',
    });
    expect(t.size_bytes).toBeGreaterThan(0);
    expect(t.ports).toEqual({ first: expect.any(Number), count: 10 });
    const place = await call<WorktreePlace>(app!, 'worktrees.place', { run_id: run, task_id: 't' });
    expect(place).toMatchObject({ path: t.path, on_disk: true, ports: t.ports });
    // Its workspace forwards no ports (the default): the panel is told so; nothing listens here.
    const ports = () => call<PortsNow>(app!, 'worktrees.ports', { run_id: run, task_id: 't' });
    expect(await ports()).toEqual({
      ports: t.ports,
      reach: { via: 'off', workspace_id: 'app' },
      listening: [],
    });
    // Forwarding on, its agent not running: nothing is forwarded now, and the panel is told why.
    await call(app!, 'workspaces.update', { workspace_id: 'app', forward_ports: true });
    expect(await ports()).toEqual({
      ports: t.ports,
      reach: { via: 'none', why: expect.stringMatching(/its agent is not running/) },
      listening: [],
    });
    const tip = repo.git(['rev-parse', `baton/${run}/t`]);

    // Uncommitted changes: refused, naming them; nothing removed.
    writeFileSync(join(t.path, 'notes.txt'), 'mine');
    const refused = await attempt('worktrees.archive', { run_id: run, task_id: 't' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { field: 'discard_changes', files: ['notes.txt'] } },
    });
    expect(!refused.ok && refused.error.message).toMatch(/1 uncommitted change \(notes.txt\)/);
    expect(existsSync(join(t.path, 'notes.txt'))).toBe(true);

    // Asked: removed; the branch and its commit stay; the ports are free.
    expect(
      await call(app!, 'worktrees.archive', { run_id: run, task_id: 't', discard_changes: true }),
    ).toEqual({
      path: t.path,
      branch: `baton/${run}/t`,
    });
    expect(existsSync(t.path)).toBe(false);
    expect(repo.git(['worktree', 'list', '--porcelain'])).not.toContain(t.path);
    expect(repo.git(['rev-parse', `baton/${run}/t`])).toBe(tip);
    expect(repo.git(['show', `baton/${run}/t:work.txt`])).toBe('work');
    expect(app!.store.sessions.get(run, 't')?.state).toBe('removed');
    expect(app!.store.worktreePorts.get(run, 't')).toBeNull();
    expect((await call<KeptWorktree[]>(app!, 'worktrees.list', {})).map((k) => k.task_id)).toEqual(['u']);

    // A clean one goes without asking; archived twice is "not found".
    await call(app!, 'worktrees.archive', { run_id: run, task_id: 'u' });
    expect(await attempt('worktrees.archive', { run_id: run, task_id: 'u' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await call<KeptWorktree[]>(app!, 'worktrees.list', {})).toEqual([]);
  });
});
