import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The plan and agents files `baton` reads. A path that is not a regular file is refused, naming
// it, before the data directory is opened: a FIFO nobody writes to made `baton run` block for
// good in a synchronous read, deaf to Ctrl+C and SIGTERM (its handlers were up already). A file
// that is not UTF-8 is refused with the offset of its first bad byte: before, ISO-8859-1 `café`
// was stored as `caf\uFFFD`. A leading UTF-8 byte order mark is skipped, not refused as
// "Unexpected token '﻿'".

const root = join(import.meta.dirname, '..', '..');
const CLI = join(root, 'src-main', 'cli', 'baton.js');
const examples = join(root, 'resources', 'examples');

function baton(args: string[]) {
  // The timeout only ends a command that hangs (as one reading a FIFO did, deaf to SIGTERM): it
  // then fails the test.
  const r = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    killSignal: 'SIGKILL',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
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

  it.skipIf(process.platform === 'win32')(
    'refuses a FIFO or a directory as a plan or agents file, naming it, before opening the data directory',
    () => {
      const fifo = join(dir, 'plan.json');
      execFileSync('mkfifo', [fifo]);
      const plan = join(examples, 'onboarding-plan.json');
      for (const [args, what, kind] of [
        [['run', fifo], 'plan file', 'a FIFO'],
        [['run', plan, '--agents', fifo], 'agents file', 'a FIFO'],
        [['agents', 'import', fifo], 'agents file', 'a FIFO'],
        [['run', dir], 'plan file', 'a directory'],
      ] as const) {
        const r = baton([...args, '--data-dir', data]);
        expect(r.stderr).toContain(`baton: cannot read ${what} ${args.at(-1)}: it is ${kind}`);
        expect(r.code).toBe(2);
      }
      expect(existsSync(join(data, 'baton.db'))).toBe(false);
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
