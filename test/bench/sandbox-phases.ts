// Where a sandboxed check's start goes, each on its own set-up and sharing one (`sandboxShare`, as a
// round of checks does): confine() (the wrap: the library's scan, bubblewrap's arguments), the
// program's life in bubblewrap (`true`: relays, seccomp, the exit's sweep), release(). Prints ms.
// Usage: [PHASES_DIR=/a/big/checkout] node test/bench/sandbox-phases.ts [--runs 8] (default: an empty temp folder)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SandboxShare } from '../../src-main/sandbox/index.ts';
import { confine, endSandboxWhenIdle, sandboxShare } from '../../src-main/sandbox/index.ts';
import { DEFAULT_SANDBOX } from '../../src-shared/schemas/sandbox.ts';
import { argInt } from './measure.ts';

const RUNS = argInt('runs', 8);
const dir = process.env.PHASES_DIR ?? mkdtempSync(join(tmpdir(), 'baton-sandbox-phases-'));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function phases(share: SandboxShare | undefined): Promise<[number, number, number]> {
  const t0 = performance.now();
  const made = await confine({
    policy: DEFAULT_SANDBOX,
    command: 'true',
    args: [],
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    folders: [dir],
    owner: 'bench',
    share,
  });
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

try {
  await phases(undefined); // the session's start
  for (const shared of [false, true]) {
    const share = shared ? sandboxShare() : undefined;
    const rows: [number, number, number][] = [];
    for (let i = 0; i < RUNS; i++) rows.push(await phases(share));
    await share?.end();
    const [wrap, life, release] = [0, 1, 2].map((k) => median(rows.map((r) => r[k]!)));
    console.log(
      `${shared ? 'one shared set-up' : 'a set-up each   '}  confine ${wrap!.toFixed(0)} ms  life ${life!.toFixed(0)} ms  release ${release!.toFixed(0)} ms (medians of ${RUNS})`,
    );
  }
} finally {
  await endSandboxWhenIdle();
  if (!process.env.PHASES_DIR) rmSync(dir, { recursive: true, force: true });
}
