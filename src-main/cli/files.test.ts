import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// The plan and agents files `baton` reads. A path that is not a regular file is refused, naming
// it, before the data directory is opened: a FIFO nobody writes to made `baton run` block for
// good in a synchronous read, deaf to Ctrl+C and SIGTERM (its handlers were up already).

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
});
