// What the OS sandbox (src-main/sandbox/) adds to an attempt, in the same run beside the same
// work without it:
// - start: `confine` of `true` (the default policy, `required`), its spawn, its exit and its
//   release, against a plain spawn of `true` to its exit, in alternation; the first sandboxed
//   program of a process (the library's session: its proxies and write monitor) on its own;
// - a model round trip: a local HTTP server on 127.0.0.1 answers a small JSON body; a Node
//   program (sandbox-fetch.mjs) makes sequential requests on a kept-alive connection and times
//   them itself, once inside the sandbox (through its network filter, the server listed as
//   `127.0.0.1:PORT`) and once outside, in alternating rounds.
// Where the sandbox cannot run, says so and measures nothing. Prints `SANDBOX_RESULT {json}`;
// asserts nothing.
// Usage: node test/bench/sandbox-worker.ts [--starts 30] [--trips 200] [--rounds 3]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { confine, endSandboxWhenIdle, sandboxStatus } from '../../src-main/sandbox/index.ts';
import { sandboxPolicyOf } from '../../src-shared/schemas/sandbox.ts';
import { argInt } from './measure.ts';

export type SandboxFigures =
  | { available: false; problem: string }
  | {
      available: true;
      starts: number;
      /** The first sandboxed program of a process, start to release (ms): the library's session starts. */
      firstConfinedMs: number;
      plainStartP50Ms: number;
      plainStartP99Ms: number;
      confinedStartP50Ms: number;
      confinedStartP99Ms: number;
      /** p50 and p99 of (confined − plain), each pair run one after the other. */
      addedStartP50Ms: number;
      addedStartP99Ms: number;
      /** p50 of each part of a sandboxed start: `confine` (the library's wrap), spawn to exit, release. */
      wrapP50Ms: number;
      runP50Ms: number;
      releaseP50Ms: number;
      trips: number;
      rounds: number;
      /** The client's own per-request p50 (the median over the rounds), outside and inside the sandbox. */
      directTripP50Ms: number;
      filteredTripP50Ms: number;
      directTripP99Ms: number;
      filteredTripP99Ms: number;
    };

const STARTS = argInt('starts', 30);
const TRIPS = argInt('trips', 200);
const ROUNDS = argInt('rounds', 3);
const WARMUP_TRIPS = 20;
const CLIENT = join(import.meta.dirname, 'sandbox-fetch.mjs');
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' };
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const median = (xs: number[]) => q(xs, 0.5);

/** Runs a program to its exit; its stdout. */
function run(command: string, args: string[], runEnv: Record<string, string>, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: runEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b));
    child.stderr.on('data', (b: Buffer) => (err += b));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err.trim().slice(-300)}`)),
    );
  });
}

/** Where a sandboxed start's time goes (ms): `confine` (the wrap), spawn to exit, the release. */
const parts = { wrap: [] as number[], run: [] as number[], release: [] as number[] };

/** `command` in the sandbox, from `confine` to its release; its stdout. */
async function confined(
  command: string,
  args: string[],
  folder: string,
  allow: string[] = [],
): Promise<string> {
  const base = sandboxPolicyOf(undefined);
  const t0 = performance.now();
  const c = await confine({
    policy: { ...base, network: { ...base.network, allow } },
    command,
    args,
    cwd: folder,
    env,
    folders: [folder],
    owner: 'the sandbox bench',
  });
  if (!c.ok) throw new Error(c.error);
  const t1 = performance.now();
  let t2 = t1;
  try {
    const out = await run(c.program.command, c.program.args, c.program.env, folder);
    t2 = performance.now();
    return out;
  } finally {
    await c.program.release();
    parts.wrap.push(t1 - t0);
    parts.run.push(t2 - t1);
    parts.release.push(performance.now() - t2);
  }
}

const status = await sandboxStatus();
if (!status.available) {
  console.log(`SANDBOX_RESULT ${JSON.stringify({ available: false, problem: status.problem })}`);
  process.exit(0);
}

const folder = mkdtempSync(join(tmpdir(), 'baton-sandbox-bench-'));
const server = createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end('{"id":"msg_1","content":[{"type":"text","text":"Done."}],"usage":{"input":20,"output":2}}');
});
try {
  let t0 = performance.now();
  await confined('true', [], folder);
  const firstConfinedMs = performance.now() - t0;
  const plain: number[] = [];
  const boxed: number[] = [];
  const added: number[] = [];
  parts.wrap.length = parts.run.length = parts.release.length = 0;
  for (let i = 0; i < STARTS + 3; i++) {
    t0 = performance.now();
    await run('true', [], env, folder);
    const p = performance.now() - t0;
    t0 = performance.now();
    await confined('true', [], folder);
    const c = performance.now() - t0;
    if (i < 3) continue; // warm-up
    plain.push(p);
    boxed.push(c);
    added.push(c - p);
  }

  // Only the starts' parts (with their warm-up): the round trips' programs are not starts of `true`.
  const startParts = { wrap: [...parts.wrap], run: [...parts.run], release: [...parts.release] };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const args = [CLIENT, `http://${host}/v1/messages`, String(TRIPS), String(WARMUP_TRIPS)];
  const direct: { p50: number; p99: number }[] = [];
  const filtered: { p50: number; p99: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    // Alternate which goes first, so neither always finds the machine warmer.
    const ways = [
      async () => direct.push(JSON.parse(await run(process.execPath, args, env, folder))),
      async () => filtered.push(JSON.parse(await confined(process.execPath, args, folder, [host]))),
    ];
    for (const way of r % 2 === 0 ? ways : ways.reverse()) await way();
  }

  const figures: SandboxFigures = {
    available: true,
    starts: STARTS,
    firstConfinedMs,
    plainStartP50Ms: q(plain, 0.5),
    plainStartP99Ms: q(plain, 0.99),
    confinedStartP50Ms: q(boxed, 0.5),
    confinedStartP99Ms: q(boxed, 0.99),
    addedStartP50Ms: q(added, 0.5),
    addedStartP99Ms: q(added, 0.99),
    wrapP50Ms: median(startParts.wrap),
    runP50Ms: median(startParts.run),
    releaseP50Ms: median(startParts.release),
    trips: TRIPS,
    rounds: ROUNDS,
    directTripP50Ms: median(direct.map((d) => d.p50)),
    filteredTripP50Ms: median(filtered.map((f) => f.p50)),
    directTripP99Ms: median(direct.map((d) => d.p99)),
    filteredTripP99Ms: median(filtered.map((f) => f.p99)),
  };
  console.log(`SANDBOX_RESULT ${JSON.stringify(figures)}`);
} finally {
  server.close();
  await endSandboxWhenIdle();
  rmSync(folder, { recursive: true, force: true });
}
