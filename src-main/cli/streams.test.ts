import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';

// What `baton` does when its output cannot be written: a reader that went away (EPIPE:
// `baton run … 2>&1 | head -1`, `baton runs | head -0`) is left quietly, and `baton run` keeps
// running its run to the end and exits with the run's own code; a full disk (ENOSPC) is said
// once on stderr. Before, the stream's 'error' was an uncaught exception: a stack trace, and
// `baton run` killed mid-run (exit 1) with its run left executing and its lease held.

const root = join(import.meta.dirname, '..', '..');
const CLI = join(root, 'src-main', 'cli', 'baton.js');
/** Holds its attempt until the test opens the gate (`<dir>/open`). */
const GATE = join(root, 'test', 'kit', 'gate-agent.mjs');

function start(args: string[], stdio: ('pipe' | 'ignore' | number)[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: stdio as never });
  onTestFinished(() => {
    child.kill('SIGKILL');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited };
}

describe('baton, when its output cannot be written', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-cli-streams-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('baton run goes on to the run’s end and exits with its code when its output’s reader goes away', async () => {
    const gate = join(dir, 'gate');
    mkdirSync(gate);
    const plan = join(dir, 'plan.json');
    const agents = join(dir, 'agents.json');
    writeFileSync(
      agents,
      JSON.stringify([
        {
          id: 'gated',
          kind: 'command',
          skills: ['gated'],
          command: process.execPath,
          args: [GATE],
          sandbox: { mode: 'off' },
          max_concurrency: 2,
        },
      ]),
    );
    const task = (id: string, more = {}) => ({
      task_id: id,
      description: 'held',
      required_skills: ['gated'],
      inputs: { dir: gate },
      ...more,
    });
    writeFileSync(
      plan,
      JSON.stringify({ plan_id: 'ep', tasks: [task('a'), task('b'), task('c', { depends_on: ['a'] })] }),
    );
    const { child, exited } = start(
      ['run', plan, '--agents', agents, '--data-dir', dir],
      ['ignore', 'pipe', 'pipe'],
    );
    // Its first task is under way: then the reader goes away, on stdout and on stderr.
    await expect.poll(() => existsSync(join(gate, 'a-1-gated.started')), { timeout: 60_000 }).toBe(true);
    child.stdout!.destroy();
    child.stderr!.destroy();
    writeFileSync(join(gate, 'open'), '');
    expect(await exited).toBe(0);
    const db = new Database(join(dir, 'baton.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT status, lease_owner FROM runs').all()).toEqual([
        { status: 'completed', lease_owner: null },
      ]);
    } finally {
      db.close();
    }
  }, 90_000);

  it('baton runs whose reader went away at once says nothing and exits 0', async () => {
    // A run to list, so that there is something to write.
    const seed = start(
      [
        'run',
        join(root, 'resources', 'examples', 'onboarding-plan.json'),
        '--agents',
        join(root, 'resources', 'examples', 'agents.json'),
        '--data-dir',
        dir,
      ],
      ['ignore', 'ignore', 'ignore'],
    );
    expect(await seed.exited).toBe(1);
    const { child, exited } = start(['runs', '--data-dir', dir], ['ignore', 'pipe', 'pipe']);
    child.stdout!.destroy();
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d;
    });
    expect(await exited).toBe(0);
    expect(err).toBe('');
  }, 60_000);

  it.skipIf(!existsSync('/dev/full'))(
    'baton runs to a full disk says so once on stderr, without a trace, and exits 1',
    async () => {
      const full = openSync('/dev/full', 'w');
      onTestFinished(() => closeSync(full));
      const { child, exited } = start(['runs', '--data-dir', dir, '--json'], ['ignore', full, 'pipe']);
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d;
      });
      expect(await exited).toBe(1);
      expect(err).toBe('baton: cannot write to stdout: ENOSPC: no space left on device, write\n');
    },
    60_000,
  );
});
