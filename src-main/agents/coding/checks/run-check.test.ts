import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../../../src-shared/schemas/checks.ts';
import { DEFAULT_SANDBOX } from '../../../../src-shared/schemas/sandbox.ts';
import type { ExecutorEvent } from '../../../engine/executor.ts';
import { stopMarkedTrees } from '../../../processes/process-tree.ts';
import { runCheck } from './run-check.ts';

// Real processes in the real OS sandbox (bubblewrap): the cases a check's output and time can
// take, a check at a time.
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function run(command: string[], more: { timeout_s?: number; junit?: string; tailBytes?: number } = {}) {
  const cwd = mkdtempSync(join(tmpdir(), 'baton-check-'));
  dirs.push(cwd);
  let seq = 0;
  const gen = runCheck({
    check: {
      name: 'test',
      command,
      ...(more.timeout_s ? { timeout_s: more.timeout_s } : {}),
      ...(more.junit ? { junit: more.junit } : {}),
    },
    cwd,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd },
    marker: 'test/check',
    graceMs: 200,
    signal: new AbortController().signal,
    clean: (t) => t,
    sandbox: { policy: DEFAULT_SANDBOX, hide: [], owner: 'workspace "w"' },
    round: 0,
    nextSeq: () => seq++,
    ...(more.tailBytes ? { tailBytes: more.tailBytes } : {}),
  });
  const events: ExecutorEvent[] = [];
  for (;;) {
    const next = await gen.next();
    if (next.done) return { outcome: next.value as CheckOutcome, events, cwd };
    events.push(next.value);
  }
}

describe.runIf(process.platform === 'linux')('a check', () => {
  it('passes on exit 0 and counts the TAP it printed', async () => {
    const { outcome } = await run([
      'sh',
      '-c',
      'printf "ok 1 - a\\nnot ok 2 - b # SKIP\\nok 3 - c\\n1..3\\n"',
    ]);
    expect(outcome).toMatchObject({
      name: 'test',
      status: 'passed',
      exit_code: 0,
      tests: { passed: 2, failed: 0, failing: [], source: 'tap' },
    });
    expect(outcome.output_tail).toContain('ok 3 - c');
  });

  it('fails on another exit code, reading the JUnit file it names', async () => {
    const xml = '<testsuite><testcase name="a"/><testcase name="b"><failure/></testcase></testsuite>';
    const { outcome } = await run(['sh', '-c', `echo '${xml}' > report.xml; echo nope >&2; exit 3`], {
      junit: 'report.xml',
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      exit_code: 3,
      tests: { passed: 1, failed: 1, failing: ['b'], source: 'junit' },
    });
    expect(outcome.output_tail).toContain('nope');
  });

  it('does not follow a JUnit report that is a link out of the worktree', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'baton-check-outside-'));
    dirs.push(outside);
    const xml = '<testsuite><testcase name="secret"><failure/></testcase></testsuite>';
    writeFileSync(join(outside, 'report.xml'), xml);
    const { outcome } = await run(['ln', '-s', join(outside, 'report.xml'), 'report.xml'], {
      junit: 'report.xml',
    });
    expect(outcome.status).toBe('passed');
    expect(outcome.tests).toBeNull();
  });

  it('that hangs is stopped at its timeout with every process it started', async () => {
    const { outcome, cwd } = await run(['sh', '-c', '(sleep 300; touch late) & echo waiting; sleep 300'], {
      timeout_s: 1,
    });
    expect(outcome).toMatchObject({ status: 'timed_out', exit_code: null });
    expect(outcome.output_tail).toContain('waiting');
    expect(outcome.output_tail).toContain('stopped: timed out after 1 s');
    // No process of its tree is left: none carries its marker.
    expect(await stopMarkedTrees((m) => m === 'test/check/check-test', 0)).toBe(0);
    expect(readdirSync(cwd)).not.toContain('late');
  });

  it('that prints 100 MB keeps only its tail', async () => {
    const { outcome } = await run(
      [
        'node',
        '-e',
        'const l="y".repeat(1023)+"\\n";for(let i=0;i<102400;i++)process.stdout.write(l);console.log("last line")',
      ],
      { tailBytes: 64 * 1024 },
    );
    expect(outcome.status).toBe('passed');
    expect(outcome.output_bytes).toBe(100 * 1024 * 1024 + 'last line\n'.length);
    expect(Buffer.byteLength(outcome.output_tail)).toBeLessThan(64 * 1024 + 100);
    expect(outcome.output_tail.endsWith('last line\n')).toBe(true);
  }, 60_000);
});
