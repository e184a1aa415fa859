import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PortsNow } from '../../../../src-shared/schemas/worktrees.ts';
import { call, setup } from '../../../../test/kit/engine-kit.ts';
import { freeBlock } from '../../../../test/kit/free-ports.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

const STREAM = join(import.meta.dirname, '../../../../test/coding-agents/streams/codex-shell.jsonl');
let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0).reverse()) c();
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

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
 * taken. `sandbox`: the agent's sandbox mode.
 */
async function servingTask(sandbox: 'required' | 'off') {
  const data = tempDir('baton-forward-app-');
  const scripts = tempDir('baton-forward-cli-');
  const repo = makeRepo();
  cleanups.push(repo.cleanup);
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
  const made = createApp({ dataDir: data, log: () => {} });
  app = made;
  await call(made, 'workspaces.add', { id: 'w', path: repo.repo });
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
    const { block, ports, finish } = await servingTask('required');
    const port = block.first;
    const outside = block.first + block.count;

    // The agent's server, in its sandbox, from this machine's 127.0.0.1.
    await expect.poll(() => fetchHere(port), { timeout: 60_000 }).toBe(`200 served by the agent on ${port}`);
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
  });

  it('started by an agent whose sandbox is off listens on this machine: the panel finds it there, and only there', async () => {
    const { block, ports, finish } = await servingTask('off');
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
