// Where a sandboxed check's start goes: a sandbox of its own (confine(): the library's wrap and
// scan, bubblewrap's arguments; the program's life in bubblewrap: `true`, the relays, seccomp,
// the exit's sweep; release()), against a check in a round's one sandbox (check-round.ts: the
// first check starts the sandbox, the others only a process in it). Prints medians in ms.
// Usage: [PHASES_DIR=/a/big/checkout] node test/bench/sandbox-phases.ts [--runs 8] (default: an empty temp folder)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkRound } from '../../src-main/agents/coding/checks/check-round.ts';
import { confine, endSandboxWhenIdle } from '../../src-main/sandbox/index.ts';
import { DEFAULT_SANDBOX } from '../../src-shared/schemas/sandbox.ts';
import { argInt } from './measure.ts';

const RUNS = argInt('runs', 8);
const dir = process.env.PHASES_DIR ?? mkdtempSync(join(tmpdir(), 'baton-sandbox-phases-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const request = { policy: DEFAULT_SANDBOX, cwd: dir, env, folders: [dir], owner: 'bench' };

async function ownSandbox(): Promise<[number, number, number]> {
  const t0 = performance.now();
  const made = await confine({ ...request, command: 'true', args: [] });
  if (!made.ok) throw new Error(made.error);
  const p = made.program;
  const t1 = performance.now();
  await new Promise<void>((r) => {
    spawn(p.command, p.args, { cwd: dir, env: p.env, stdio: 'ignore' }).on('exit', () => r());
  });
  const t2 = performance.now();
  await p.release();
  return [t1 - t0, t2 - t1, performance.now() - t2];
}

/** `RUNS` checks of `true` in one round: the first's time (the sandbox's start) and the others'. */
async function inRound(): Promise<[number, number[]]> {
  const round = checkRound({
    confine: request,
    marker: 'bench/phases',
    graceMs: 1_000,
    maxLineBytes: 65_536,
  });
  const times: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      const ran = await round.run('true', []);
      if (!ran.ok) throw new Error(ran.error);
      for await (const _ of ran.check.lines);
      await ran.check.ended;
      times.push(performance.now() - t0);
    }
  } finally {
    await round.end();
  }
  return [times[0]!, times.slice(1)];
}

try {
  await ownSandbox(); // the session's start
  const rows: [number, number, number][] = [];
  for (let i = 0; i < RUNS; i++) rows.push(await ownSandbox());
  const [wrap, life, release] = [0, 1, 2].map((k) => median(rows.map((r) => r[k]!)));
  console.log(
    `a sandbox each     confine ${wrap!.toFixed(0)} ms  life ${life!.toFixed(0)} ms  release ${release!.toFixed(0)} ms (medians of ${RUNS})`,
  );
  const [first, rest] = await inRound();
  console.log(
    `one for the round  first check ${first.toFixed(0)} ms (the sandbox's start)  each next ${median(rest).toFixed(1)} ms (median of ${rest.length})`,
  );
} finally {
  await endSandboxWhenIdle();
  if (!process.env.PHASES_DIR) rmSync(dir, { recursive: true, force: true });
}
