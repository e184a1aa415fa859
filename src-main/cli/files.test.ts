import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The plan and agents files `baton` reads, before the data directory is opened: a directory, a
// device or a socket is refused, naming it; a pipe is read (`baton run <(jq … plan.json)`), and a
// command waiting on one nobody writes to ends on Ctrl+C or SIGTERM (before, it waited for good,
// deaf to both: its handlers were up already and the read blocked them). A file
// that is not UTF-8 is refused with the offset of its first bad byte: before, ISO-8859-1 `café`
// was stored as `caf\uFFFD`. A leading UTF-8 byte order mark is skipped, not refused as
// "Unexpected token '﻿'".

const root = join(import.meta.dirname, '..', '..');
const CLI = join(root, 'src-main', 'cli', 'baton.js');
const examples = join(root, 'resources', 'examples');

function baton(args: string[]) {
  // The timeout only ends a command that hangs: it then fails the test.
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `baton` as a child this test can signal: its pid, and its end. */
function batonAsync(args: string[]) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { pid: child.pid!, done };
}

/** What the kernel says the process waits in (Linux), or null. */
function wchan(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/wchan`, 'utf8');
  } catch {
    return null;
  }
}

describe('the files baton reads', () => {
  let dir: string;
  let data: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-cli-files-'));
    data = join(dir, 'data');
    mkdirSync(data);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a directory as a plan or agents file, naming it, before opening the data directory', () => {
    const plan = join(examples, 'onboarding-plan.json');
    for (const [args, what] of [
      [['run', dir], 'plan file'],
      [['run', plan, '--agents', dir], 'agents file'],
      [['agents', 'import', dir], 'agents file'],
    ] as const) {
      const r = baton([...args, '--data-dir', data]);
      expect(r.stderr).toContain(
        `baton: cannot read ${what} ${args.at(-1)}: it is a directory, not a file or a pipe`,
      );
      expect(r.code).toBe(2);
    }
    expect(existsSync(join(data, 'baton.db'))).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')(
    'reads a plan that comes through a pipe, and a command waiting on one nobody writes to ends on SIGTERM',
    async () => {
      const fifo = join(dir, 'plan.fifo');
      execFileSync('mkfifo', [fifo]);
      // Written once the command opens it: the example runs to its end.
      const ran = batonAsync(['run', fifo, '--data-dir', data]);
      await writeFile(fifo, readFileSync(join(examples, 'first-steps.json')));
      expect(await ran.done).toMatchObject({ code: 0 });

      // Nobody writes: the command waits in the pipe's open (before it opened the store, before
      // its own signal handlers), and SIGTERM ends it as any process.
      const other = join(data, 'other');
      const waiting = batonAsync(['run', fifo, '--data-dir', other]);
      await expect.poll(() => wchan(waiting.pid), { timeout: 30_000 }).toBe('wait_for_partner');
      process.kill(waiting.pid, 'SIGTERM');
      expect(await waiting.done).toMatchObject({ code: null, signal: 'SIGTERM' });
      expect(existsSync(join(other, 'baton.db'))).toBe(false);
    },
    150_000,
  );

  it('refuses a plan file that is not UTF-8, with the offset of its first bad byte, and stores nothing', () => {
    const plan = join(dir, 'latin1.json');
    const head = '{"plan_id":"u8","tasks":[{"task_id":"a","description":"caf';
    writeFileSync(
      plan,
      Buffer.concat([Buffer.from(head), Buffer.from([0xe9]), Buffer.from('","required_skills":["x"]}]}')]),
    );
    const r = baton(['run', plan, '--data-dir', data]);
    expect(r.stderr).toBe(
      `baton: plan file ${plan} is not UTF-8 text (invalid byte at offset ${head.length}): save it as UTF-8\n`,
    );
    expect(r.code).toBe(2);
    expect(existsSync(join(data, 'baton.db'))).toBe(false);
  }, 60_000);

  it('reads a plan file that starts with a UTF-8 byte order mark, and keeps its text as written', () => {
    const plan = join(dir, 'bom.json');
    writeFileSync(
      plan,
      `\uFEFF${JSON.stringify({
        plan_id: 'bom',
        tasks: [{ task_id: 'a', description: 'café', required_skills: ['summarization'] }],
      })}`,
    );
    const r = baton(['run', plan, '--agents', join(examples, 'agents.json'), '--data-dir', data]);
    expect(r.stdout).toContain('Run completed: 1/1 tasks done');
    expect(r.code).toBe(0);
    const db = new Database(join(data, 'baton.db'), { readonly: true });
    try {
      const { body } = db.prepare('SELECT body FROM plan_versions').get() as { body: string };
      expect(body).toContain('"description":"café"');
    } finally {
      db.close();
    }
  }, 60_000);
});
