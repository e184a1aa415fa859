import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PortsNow } from '../../../../src-shared/schemas/worktrees.ts';
import { call, setup } from '../../../../test/kit/engine-kit.ts';
import { freeBlock } from '../../../../test/kit/free-ports.ts';
import { scratch } from '../../../../test/kit/scratch.ts';
import { readProcTable } from '../../../processes/proc-table.ts';

const STREAM = join(import.meta.dirname, '../../../../test/coding-agents/streams/codex-shell.jsonl');
const { temp: tempDir, repo: tempRepo, app: tempApp } = scratch();

/** A connection to this machine's 127.0.0.1:`port`: the server's answer to a GET, or the error's code. */
async function fetchHere(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
    return `${res.status} ${await res.text()}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code ?? (err as Error).name;
  }
}

/** Whether something accepts a connection on this machine's 127.0.0.1:`port`. */
function connects(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve('connected');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

/** The command lines of this test process's descendants, now (the app runs in it: its agents' processes are). */
async function descendants(): Promise<string[]> {
  const table = await readProcTable(0);
  const mine = new Set([process.pid]);
  // Parents start before their children: a few passes take in every generation.
  for (let grown = true; grown; ) {
    grown = false;
    for (const e of table)
      if (!e.zombie && !mine.has(e.pid) && mine.has(e.ppid)) {
        mine.add(e.pid);
        grown = true;
      }
  }
  mine.delete(process.pid);
  return [...mine].flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')];
    } catch {
      return []; // ended since
    }
  });
}

/**
 * The forwarder's processes among them: its host side (`node -e HOST`, which listens on the block
 * with `pauseOnConnect`) and the relay in the sandbox (`node -e RELAY`, which takes the handed
 * sockets on `message`); see sandbox/inbound.ts.
 */
const forwarders = async () =>
  (await descendants()).filter((c) => c.includes('pauseOnConnect') || c.includes("process.on('message'"));

/** Whether the agent's dev server (`server.js`, started by its scripted CLI on $PORT) runs now, on `port`. */
const serving = async (port: number) =>
  (await descendants()).some((c) => c.includes(`server.js ${port} ${port + 10}`));

/** Whether a sandbox's shell command starts the relay (sandbox/inbound.ts's RELAY_LINES name its variables). */
const relayed = async () => (await descendants()).some((c) => c.includes('BATON_INBOUND'));

/**
 * A dev server as an agent starts one: HTTP on each port given (in the background, as `npm run dev
 * &` would), answering `served by the agent on <port>`.
 */
const DEV_SERVER = `
const http = require('node:http');
for (const p of process.argv.slice(2)) http.createServer((q, s) => s.end('served by the agent on ' + p)).listen(Number(p), '127.0.0.1');
setInterval(() => {}, 1000);
`;

/**
 * An app whose one coding task's agent (a scripted codex) starts a dev server on $PORT and one
 * outside its block, runs until `go` appears, then prints a real turn; the run started, its block
 * taken. `sandbox`: the agent's sandbox mode; `forward`: its workspace's `forward_ports`.
 */
async function servingTask(sandbox: 'required' | 'off', forward: boolean) {
  const scripts = tempDir('baton-forward-cli-');
  const repo = tempRepo();
  const go = join(scripts, 'go');
  writeFileSync(join(scripts, 'server.js'), DEV_SERVER);
  const cli = join(scripts, 'codex.sh');
  writeFileSync(
    cli,
    [
      '#!/bin/sh',
      `"${process.execPath}" "${join(scripts, 'server.js')}" "$PORT" "$((PORT + 10))" &`,
      `while [ ! -f "${go}" ]; do sleep 0.05; done`,
      `cat "${STREAM}"`,
      '',
    ].join('\n'),
  );
  chmodSync(cli, 0o755);
  const made = tempApp('baton-forward-app-');
  await call(made, 'workspaces.add', { id: 'w', path: repo.repo, forward_ports: forward });
  // A block no other test on the machine holds (every app's first is 42000 by default), and the port after it.
  await call(made, 'worktrees.saveSettings', {
    editor: null,
    custom_command: null,
    port_base: await freeBlock(11),
    port_block: 10,
  });
  await call(made, 'agents.import', {
    agents: [
      {
        id: 'coder',
        kind: 'coding',
        cli: 'codex',
        executable: cli,
        skills: ['code'],
        provider: { base_url: 'http://127.0.0.1:9/v1' },
        model: 'm',
        ...(sandbox === 'off' ? { sandbox: { mode: 'off' } } : {}),
      },
    ],
  });
  const run = await setup(made, [], {
    plan_id: 'p',
    workspace: 'w',
    tasks: [{ task_id: 'serve', description: 'serve', required_skills: ['code'] }],
  });
  await expect.poll(() => made.store.worktreePorts.get(run, 'serve'), { timeout: 60_000 }).not.toBeNull();
  const block = made.store.worktreePorts.get(run, 'serve')!;
  const ports = () => call<PortsNow>(made, 'worktrees.ports', { run_id: run, task_id: 'serve' });
  const finish = async () => {
    writeFileSync(go, '');
    await made.engine.whenSettled(run);
    expect(made.store.runs.task(run, 'serve')?.status).toBe('done');
  };
  return { app: made, run, block, ports, finish };
}

describe.runIf(process.platform === 'linux')("a coding task's dev server", () => {
  it('started by its agent on $PORT in the OS sandbox is reached from this machine and shown on the panel while it runs; one outside the block is not; both end with the attempt', async () => {
    const { block, ports, finish } = await servingTask('required', true);
    const port = block.first;
    const outside = block.first + block.count;

    // The agent's server, in its sandbox, from this machine's 127.0.0.1.
    await expect.poll(() => fetchHere(port), { timeout: 60_000 }).toBe(`200 served by the agent on ${port}`);
    // The forwarder's two processes run beside the agent: its host side and the relay in the sandbox.
    expect(await forwarders()).toHaveLength(2);
    expect(await relayed()).toBe(true);
    // The panel is told, looked at: forwarded, and what listens, where.
    expect(await ports()).toEqual({
      ports: block,
      reach: { via: 'forwarder', refused: [] },
      listening: [{ port, where: 'sandbox' }],
    });
    // Its server outside the block stays in the sandbox: nothing listens here.
    expect(await connects(outside)).toBe('ECONNREFUSED');
    // The other ports of the block are held by the forwarder, but nothing in the sandbox answers.
    expect(await fetchHere(port + 1)).not.toMatch(/^200/);

    await finish();
    // The forwarder ended with the attempt: the block's ports are free here again.
    expect(await connects(port)).toBe('ECONNREFUSED');
    expect(await connects(port + 1)).toBe('ECONNREFUSED');
    expect(await forwarders()).toEqual([]);
  });

  it('of an agent in the OS sandbox whose workspace does not forward its ports (the default) is not reached: no forwarder runs, the agent still gets its block, and the panel says why and where to turn it on', async () => {
    const { block, ports, finish } = await servingTask('required', false);
    const port = block.first;
    // The agent runs, and its server in the sandbox is up (its process is there),
    // on the block's first port, which it was told.
    await expect.poll(() => serving(port), { timeout: 60_000 }).toBe(true);
    // …started as on a Baton without forwarding: no host side, no relay, none in the sandbox's command.
    expect(await forwarders()).toEqual([]);
    expect(await relayed()).toBe(false);
    // Nothing here reaches it.
    expect(await connects(port)).toBe('ECONNREFUSED');
    // The panel shows the block and why its servers are not reached: the workspace's setting.
    expect(await ports()).toEqual({ ports: block, reach: { via: 'off', workspace_id: 'w' }, listening: [] });
    await finish();
  });

  it('started by an agent whose sandbox is off listens on this machine: the panel finds it there, and only there', async () => {
    const { block, ports, finish } = await servingTask('off', false);
    const port = block.first;
    await expect.poll(() => fetchHere(port), { timeout: 60_000 }).toBe(`200 served by the agent on ${port}`);
    expect(await ports()).toEqual({
      ports: block,
      reach: { via: 'loopback' },
      listening: [{ port, where: 'machine' }],
    });
    await finish();
    expect(await connects(port)).toBe('ECONNREFUSED');
  });
});
