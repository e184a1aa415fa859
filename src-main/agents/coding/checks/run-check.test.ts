import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../../../src-shared/schemas/checks.ts';
import { DEFAULT_SANDBOX } from '../../../../src-shared/schemas/sandbox.ts';
import type { ExecutorEvent } from '../../../engine/executor.ts';
import { stopMarkedTrees } from '../../../processes/process-tree.ts';
import { inFolder } from '../../../sandbox/index.ts';
import type { CheckRound } from './check-round.ts';
import { checkRound } from './check-round.ts';
import { MAX_CHECK_LINE, runCheck } from './run-check.ts';

// Real processes in the real OS sandbox (bubblewrap): the cases a check's output and time can
// take, a check at a time, each in a sandbox of its own and in a round's sandbox (check-round.ts).
const TRESPASS = fileURLToPath(new URL('../../../sandbox/testing/trespass.mjs', import.meta.url));
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const env = (cwd: string) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd });
const sandbox = { policy: DEFAULT_SANDBOX, hide: [], owner: 'workspace "w"' };

function roundIn(cwd: string): CheckRound {
  return checkRound({
    confine: inFolder(sandbox, cwd, env(cwd)),
    marker: 'test/check/round',
    graceMs: 200,
    maxLineBytes: MAX_CHECK_LINE,
  });
}

function tempWorktree(): string {
  const cwd = mkdtempSync(join(tmpdir(), 'baton-check-'));
  dirs.push(cwd);
  return cwd;
}

async function runOne(
  command: string[],
  more: { timeout_s?: number; junit?: string; tailBytes?: number; cwd?: string; round?: CheckRound } = {},
) {
  const cwd = more.cwd ?? tempWorktree();
  let seq = 0;
  const gen = runCheck({
    check: {
      name: 'test',
      command,
      ...(more.timeout_s ? { timeout_s: more.timeout_s } : {}),
      ...(more.junit ? { junit: more.junit } : {}),
    },
    cwd,
    env: env(cwd),
    marker: 'test/check',
    graceMs: 200,
    signal: new AbortController().signal,
    clean: (t) => t,
    sandbox: { ...sandbox, round: more.round },
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

const ways = [
  { way: 'in a sandbox of its own', inRound: false, marker: 'test/check/check-test' },
  { way: "in its round's sandbox", inRound: true, marker: 'test/check/round' },
];

describe.runIf(process.platform === 'linux').each(ways)('a check $way', ({ inRound, marker }) => {
  /** One check, alone in a round of its own when `inRound`. */
  async function run(
    command: string[],
    more: { timeout_s?: number; junit?: string; tailBytes?: number } = {},
  ) {
    const cwd = tempWorktree();
    const round = inRound ? roundIn(cwd) : undefined;
    try {
      return await runOne(command, { ...more, cwd, round });
    } finally {
      await round?.end();
    }
  }

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
    expect(await stopMarkedTrees((m) => m === marker, 0)).toBe(0);
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

describe.runIf(process.platform === 'linux')("a round's checks in one sandbox", () => {
  it('run one after the other in the same sandbox, each with its own output and exit code, exactly', async () => {
    const cwd = tempWorktree();
    const round = roundIn(cwd);
    try {
      // The sandbox's own temp folder is the same for all: what the first left there, the second finds.
      const a = await runOne(['sh', '-c', 'touch "$TMPDIR/was-here"; printf "a\\n\\n"; exit 2'], {
        cwd,
        round,
      });
      const b = await runOne(['sh', '-c', 'test -f "$TMPDIR/was-here" && printf b && echo e >&2'], {
        cwd,
        round,
      });
      const c = await runOne(['cat'], { cwd, round }); // its stdin is closed: the next check is not read as input
      const d = await runOne(['sh', '-c', 'kill -TERM $$'], { cwd, round });
      // The same sandbox, not only the same temp folder: its process namespace goes on (a new
      // sandbox's first check would have the same small pid each time).
      const e = await runOne(['sh', '-c', 'echo $$'], { cwd, round });
      const f = await runOne(['sh', '-c', 'echo $$'], { cwd, round });
      expect(Number(f.outcome.output_tail)).toBeGreaterThan(Number(e.outcome.output_tail));
      expect(a.outcome).toMatchObject({ status: 'failed', exit_code: 2, output_tail: 'a\n\n' });
      expect(b.outcome).toMatchObject({ status: 'passed', exit_code: 0 });
      expect(b.outcome.output_tail.split('\n').sort()).toEqual(['', 'b', 'e']);
      expect(c.outcome).toMatchObject({ status: 'passed', exit_code: 0, output_tail: '' });
      expect(d.outcome).toMatchObject({ status: 'failed', exit_code: null });
    } finally {
      await round.end();
    }
  });

  it('stops what a check left running, in its group or out of it, before the next one, whose output is its own', async () => {
    const cwd = tempWorktree();
    const round = roundIn(cwd);
    try {
      const a = await runOne(
        [
          'sh',
          '-c',
          '(sleep 0.5; echo leftover; touch late) & setsid sh -c "sleep 0.5; echo escaped; touch escaped" & echo main',
        ],
        { cwd, round },
      );
      const b = await runOne(['sh', '-c', 'sleep 1; echo next'], { cwd, round });
      // What it left is stopped and said; a check that leaves nothing is told nothing (the
      // sandbox's own processes, its network relays, are no check's).
      expect(a.outcome.status).toBe('passed');
      expect(a.outcome.output_tail).toMatch(
        /^main\nbaton: stopped [2-9] processes the check left running\n$/,
      );
      expect(b.outcome).toMatchObject({ status: 'passed', output_tail: 'next\n' });
      expect(readdirSync(cwd)).not.toContain('late');
      expect(readdirSync(cwd)).not.toContain('escaped');
    } finally {
      await round.end();
    }
  });

  it('goes on in a new sandbox after a check stopped at its timeout, and a missing program is said as before', async () => {
    const cwd = tempWorktree();
    const round = roundIn(cwd);
    try {
      const a = await runOne(['sh', '-c', 'echo mark > "$TMPDIR/first"; sleep 300'], {
        cwd,
        round,
        timeout_s: 1,
      });
      const b = await runOne(['sh', '-c', 'test ! -e "$TMPDIR/first" && echo fresh'], { cwd, round });
      const c = await runOne(['no-such-check-program'], { cwd, round });
      expect(a.outcome.status).toBe('timed_out');
      expect(b.outcome).toMatchObject({ status: 'passed', output_tail: 'fresh\n' });
      expect(c.outcome).toMatchObject({ status: 'failed', exit_code: null });
      expect(c.outcome.output_tail).toContain('spawn no-such-check-program ENOENT');
    } finally {
      await round.end();
    }
    expect(await stopMarkedTrees((m) => m === 'test/check/round', 0)).toBe(0);
  });

  it('tells each check only its own refusals, though they share one sandbox', async () => {
    const cwd = tempWorktree();
    const outside = tempWorktree();
    const round = roundIn(cwd);
    const tries = (name: string) => [
      process.execPath,
      TRESPASS,
      '--mine',
      `${name}.txt`,
      '--outside',
      join(outside, name),
    ];
    try {
      const a = await runOne(tries('first'), { cwd, round });
      const b = await runOne(tries('second'), { cwd, round });
      for (const [r, name] of [
        [a, 'first'],
        [b, 'second'],
      ] as const) {
        expect(r.outcome.status).toBe('passed');
        const refused = r.events.flatMap((e) =>
          e.type === 'step' && e.step.kind === 'sandbox' ? [e.step.text] : [],
        );
        expect(refused).toEqual([`sandbox: write outside the folder refused: ${join(outside, name)}`]);
      }
      expect(readdirSync(outside)).toEqual([]);
    } finally {
      await round.end();
    }
    // Once the sandbox is gone (while it runs, the worktree's protected paths have stand-ins).
    expect(readdirSync(cwd).sort()).toEqual(['first.txt', 'second.txt']);
  });

  it('starts its sandbox ahead when told to (warm), which the first check then runs in; unused, it leaves nothing', async () => {
    const cwd = tempWorktree();
    const round = roundIn(cwd);
    round.warm();
    round.warm(); // once
    try {
      const a = await runOne(['sh', '-c', 'echo $$'], { cwd, round });
      // The runner is the sandbox's first program after its own set-up: the check is a few pids on.
      expect(a.outcome.status).toBe('passed');
      const b = await runOne(['sh', '-c', 'echo $$'], { cwd, round });
      expect(Number(b.outcome.output_tail)).toBeGreaterThan(Number(a.outcome.output_tail));
    } finally {
      await round.end();
    }
    const unused = roundIn(tempWorktree());
    unused.warm();
    await unused.end();
    unused.warm(); // after its end: nothing starts
    expect(await stopMarkedTrees((m) => m === 'test/check/round', 0)).toBe(0);
  });

  it('keeps an argument holding newlines one word, and the next check in step', async () => {
    const cwd = tempWorktree();
    const round = roundIn(cwd);
    try {
      const script = 'echo one\necho \'two\' \\\n  "three"\n\techo four\r\n';
      const a = await runOne(['bash', '-c', script], { cwd, round });
      const b = await runOne(['echo', 'next'], { cwd, round });
      expect(a.outcome).toMatchObject({ status: 'passed', output_tail: 'one\ntwo three\nfour\n' });
      expect(b.outcome).toMatchObject({ status: 'passed', output_tail: 'next\n' });
    } finally {
      await round.end();
    }
  });

  it("never credits a check with a command a check's process wrote to the runner", async () => {
    const cwd = tempWorktree();
    const round = roundIn(cwd);
    try {
      // The runner is the check's parent: its stdin may be opened through /proc.
      const a = await runOne(['sh', '-c', 'printf "feed \'true\'\\n" > /proc/$PPID/fd/0; echo wrote'], {
        cwd,
        round,
      });
      const b = await runOne(['sh', '-c', 'echo two'], { cwd, round });
      const c = await runOne(['sh', '-c', 'echo three'], { cwd, round });
      // The write may be refused (here, as root in bubblewrap's user namespace, it is: EACCES).
      expect(a.outcome.status).toBe('passed');
      expect(a.outcome.output_tail.endsWith('wrote\n')).toBe(true);
      // If not, either the sandbox was found out while the second ran (it fails, saying so), or before
      // (it ran in a new sandbox): never passed on the injected command's mark.
      if (b.outcome.status === 'passed') expect(b.outcome.output_tail).toBe('two\n');
      else expect(b.outcome.output_tail).toContain('a command Baton did not send ran');
      expect(c.outcome).toMatchObject({ status: 'passed', output_tail: 'three\n' });
    } finally {
      await round.end();
    }
  });

  it('keeps the last words of a check stopped at its timeout, without their newline', async () => {
    const cwd = tempWorktree();
    const round = roundIn(cwd);
    try {
      const a = await runOne(['sh', '-c', 'printf "waiting for :3000"; sleep 300'], {
        cwd,
        round,
        timeout_s: 1,
      });
      expect(a.outcome.status).toBe('timed_out');
      expect(a.outcome.output_tail).toContain('waiting for :3000');
    } finally {
      await round.end();
    }
  });
});
