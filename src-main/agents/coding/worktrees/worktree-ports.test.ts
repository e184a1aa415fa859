import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX } from '../../../../src-shared/schemas/sandbox.ts';
import { call, setup } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { spawnTree } from '../../../processes/process-tree.ts';
import { confine } from '../../../sandbox/confine.ts';
import { openDatabase } from '../../../store/db.ts';
import { createStore } from '../../../store/store.ts';
import { codingStore } from '../repos/coding-store.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

const STREAM = join(import.meta.dirname, '../../../../test/coding-agents/streams/codex-shell.jsonl');
let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0).reverse()) c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('port blocks', () => {
  it('are handed out lowest first, never overlapping a live one, kept per task, freed with the worktree; Settings move the base', () => {
    const dir = tempDir('baton-ports-');
    const db = openDatabase(dir);
    cleanups.push(() => db.close());
    const store = codingStore(createStore(db));
    const at = '2026-01-01T00:00:00.000Z';
    for (const id of ['r1', 'r2'])
      db.prepare(
        `INSERT INTO runs (id, plan_id, plan_version, status, memory_id, created_at) VALUES (?, 'p', 1, 'executing', 'm', ?)`,
      ).run(id, at);
    const a = store.worktreePorts.allocate('r1', 'a', 'w', at);
    const b = store.worktreePorts.allocate('r1', 'b', 'w', at);
    expect(a).toEqual({ first: 42_000, count: 10 });
    expect(b).toEqual({ first: 42_010, count: 10 });
    // The same task keeps its block (a second attempt).
    expect(store.worktreePorts.allocate('r1', 'a', 'w', at)).toEqual(a);
    // Settings change the block's size and base: a new block never overlaps a live one.
    store.worktreePorts.saveSettings({
      editor: null,
      custom_command: null,
      port_base: 42_005,
      port_block: 20,
    });
    const c = store.worktreePorts.allocate('r2', 'c', 'w', at);
    expect(c).toEqual({ first: 42_025, count: 20 });
    // Its worktree recorded removed: the store's trigger frees the block, and the lowest is given again.
    store.sessions.upsert({
      run_id: 'r1',
      task_id: 'a',
      workspace_id: 'w',
      agent_id: 'x',
      cli: 'codex',
      dir: '/x',
      branch: 'b',
      start_commit: 'c',
      session_id: null,
      home: null,
      attempt: 1,
      state: 'active',
      updated_at: at,
    });
    store.sessions.setState('r1', 'a', 'removed', at);
    expect(store.worktreePorts.get('r1', 'a')).toBeNull();
    store.worktreePorts.saveSettings({
      editor: null,
      custom_command: null,
      port_base: 42_000,
      port_block: 10,
    });
    expect(store.worktreePorts.allocate('r2', 'd', 'w', at)).toEqual({ first: 42_000, count: 10 });
    // A task of an ended run that never made a worktree holds nothing past the next allocation.
    db.prepare(`UPDATE runs SET status = 'failed' WHERE id = 'r1'`).run();
    store.worktreePorts.allocate('r2', 'e', 'w', at);
    expect(store.worktreePorts.get('r1', 'b')).toBeNull();
    // The last block below 65536 taken: the next task is refused, saying what to do.
    store.worktreePorts.saveSettings({
      editor: null,
      custom_command: null,
      port_base: 65_000,
      port_block: 100,
    });
    for (let i = 0; i < 5; i++) store.worktreePorts.allocate('r2', `full-${i}`, 'w', at);
    expect(() => store.worktreePorts.allocate('r2', 'one-more', 'w', at)).toThrow(
      /no free block of 100 ports from 65000 up to 65535: .*archive kept worktrees, or lower the base in Settings/,
    );
  });

  it('are unique across two Batons allocating at once on one data directory (immediate transactions)', async () => {
    const dir = tempDir('baton-ports-two-');
    const first = openDatabase(dir);
    cleanups.push(() => first.close());
    first
      .prepare(
        `INSERT INTO runs (id, plan_id, plan_version, status, memory_id, created_at) VALUES ('r', 'p', 1, 'executing', 'm', 'x')`,
      )
      .run();
    // Two processes, 40 tasks each, allocating as fast as they can on the same file.
    const script = `
      import { openDatabase } from '${join(import.meta.dirname, '../../../store/db.ts')}';
      import { createStore } from '${join(import.meta.dirname, '../../../store/store.ts')}';
      import { codingStore } from '${join(import.meta.dirname, '../repos/coding-store.ts')}';
      const store = codingStore(createStore(openDatabase(process.argv[2])));
      for (let i = 0; i < 40; i++) store.worktreePorts.allocate('r', process.argv[3] + i, 'w', 'x');
    `;
    const file = join(dir, 'allocate.ts');
    writeFileSync(file, script);
    const runOne = (who: string) =>
      new Promise<number | null>((resolve) => {
        const tree = spawnTree(process.execPath, [file, dir, who], {
          env: Object.fromEntries(
            Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined),
          ),
          graceMs: 500,
          stdio: ['ignore', 'ignore', 'inherit'],
        });
        tree.child.on('close', (code) => resolve(code));
      });
    expect(await Promise.all([runOne('a'), runOne('b')])).toEqual([0, 0]);
    const rows = first.prepare('SELECT first, count FROM worktree_ports ORDER BY first').all() as {
      first: number;
      count: number;
    }[];
    expect(rows).toHaveLength(80);
    for (let i = 1; i < rows.length; i++)
      expect(rows[i]!.first).toBeGreaterThanOrEqual(rows[i - 1]!.first + rows[i - 1]!.count);
  });
});

describe("a coding worktree's ports", () => {
  it("reach its agent's env (PORT, BATON_PORT, BATON_PORTS) and its setup command's, a different block per worktree, freed when the worktrees go", async () => {
    const data = tempDir('baton-ports-app-');
    const scripts = tempDir('baton-ports-cli-');
    const repos = [makeRepo(), makeRepo()];
    for (const r of repos) cleanups.push(r.cleanup);
    // A codex that writes what it was given into its worktree, then prints a real turn.
    const cli = join(scripts, 'codex.sh');
    writeFileSync(
      cli,
      `#!/bin/sh\necho "$PORT $BATON_PORT $BATON_PORTS" > agent-ports.txt\ncat "${STREAM}"\n`,
    );
    chmodSync(cli, 0o755);
    app = createApp({ dataDir: data, log: () => {} });
    for (const [i, r] of repos.entries())
      await call(app, 'workspaces.add', {
        id: `w${i}`,
        path: r.repo,
        setup_command: ['sh', '-c', 'echo "$PORT $BATON_PORTS" > setup-ports.txt'],
      });
    await call(app, 'agents.import', {
      agents: [
        {
          id: 'coder',
          kind: 'coding',
          cli: 'codex',
          executable: cli,
          skills: ['code'],
          max_concurrency: 4,
          // A provider: Baton writes the CLI's own home, so four at once never bind the person's
          // ~/.codex read-only while another Baton on this machine does (bubblewrap refused a
          // source path another sandbox's stand-in took away). Nothing calls it.
          provider: { base_url: 'http://127.0.0.1:9/v1' },
          model: 'm',
        },
      ],
    });
    const plan = (id: string, workspace: string) => ({
      plan_id: id,
      workspace,
      tasks: ['a', 'b'].map((t) => ({ task_id: t, description: 'serve', required_skills: ['code'] })),
    });
    // Two workspaces, two tasks each, all four at once.
    const runs = await Promise.all([setup(app, [], plan('p0', 'w0')), setup(app, [], plan('p1', 'w1'))]);
    await expect.poll(() => app!.store.worktreePorts.list().length, { timeout: 60_000 }).toBeGreaterThan(0);
    for (const run of runs) await app.engine.whenSettled(run);
    const seen: string[] = [];
    for (const [i, run] of runs.entries())
      for (const t of ['a', 'b']) {
        const done = app.store.runs.task(run, t);
        const said = app.store.execution.logs(run, t, 0, 1_000).map((l) => `${l.stream}: ${l.text}`);
        // What the attempt's log said, shown if it did not end done.
        expect(done?.status, `${done?.error}\n${said.join('\n')}`).toBe('done');
        const show = (f: string) => repos[i]!.git(['show', `baton/${run}/${t}:${f}`]);
        const [port, batonPort, range] = show('agent-ports.txt').split(' ');
        expect(port).toMatch(/^\d+$/);
        expect(batonPort).toBe(port);
        expect(range).toBe(`${port}-${Number(port) + 9}`);
        expect(show('setup-ports.txt')).toBe(`${port} ${range}`);
        seen.push(port!);
      }
    expect(new Set(seen).size).toBe(4);
    // The runs ended, their worktrees went (parked or removed): no block is held.
    await app.coding.worktreesSettled();
    expect(app.store.worktreePorts.list()).toEqual([]);
  });
});

/** Starts `command` (a Node program that listens), waits for it to say so, and tries to connect from here. */
async function reachFromHere(
  command: string,
  args: string[],
  env: Record<string, string>,
  cwd: string,
  port: number,
): Promise<string> {
  const tree = spawnTree(command, args, { cwd, env, graceMs: 500, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  tree.child.stdout!.on('data', (c: Buffer) => {
    out += c;
  });
  try {
    await expect.poll(() => out, { timeout: 30_000 }).toContain('listening');
    return await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
  } finally {
    await tree.stop();
  }
}

const LISTEN = (port: number) =>
  `require('node:net').createServer((c) => c.end('hi')).listen(${port}, '127.0.0.1', () => console.log('listening')); setTimeout(() => {}, 30000);`;

describe('a server in the OS sandbox', () => {
  it.runIf(process.platform === 'linux')(
    "listens on the sandbox's own 127.0.0.1: without a block forwarded (confine's inbound), this machine cannot reach it; unconfined, it can",
    async () => {
      const folder = tempDir('baton-ports-box-');
      const made = await confine({
        policy: DEFAULT_SANDBOX,
        command: process.execPath,
        args: ['-e', LISTEN(42_990)],
        cwd: folder,
        env: { PATH: process.env.PATH ?? '' },
        folders: [folder],
        owner: 'a test',
      });
      if (!made.ok) throw new Error(made.error);
      try {
        expect(
          await reachFromHere(made.program.command, made.program.args, made.program.env, folder, 42_990),
        ).toBe('ECONNREFUSED');
      } finally {
        await made.program.release();
      }
      // The same server with the sandbox off listens on this machine's loopback.
      expect(
        await reachFromHere(
          process.execPath,
          ['-e', LISTEN(42_991)],
          { PATH: process.env.PATH ?? '' },
          folder,
          42_991,
        ),
      ).toBe('connected');
    },
  );
});
