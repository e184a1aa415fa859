import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX } from '../../src-shared/schemas/sandbox.ts';
import { freeBlock } from '../../test/kit/free-ports.ts';
import { spawnTree } from '../processes/process-tree.ts';
import { confine } from './confine.ts';
import { listensHere, lookInto, throughInbound } from './inbound.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Where a connection to `host:port` from this machine ends: the server's first words, or the error's code. */
function reach(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    let said = '';
    s.setTimeout(5_000, () => {
      s.destroy();
      resolve(said || 'timeout');
    });
    s.on('data', (c: Buffer) => {
      said += c;
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    s.once('close', () => resolve(said || 'closed'));
  });
}

/**
 * The host side alone (no sandbox): `code` runs as its child, with the channel the relay would
 * get, for a block of three ports from `first`. Stopped after the test.
 */
function startHostSide(code: string, folder: string, first: number) {
  const side = throughInbound(
    [process.execPath, '-e', code, folder],
    { PATH: process.env.PATH ?? '' },
    {
      first,
      count: 3,
    },
  );
  cleanups.push(() => side.inbound.end());
  const tree = spawnTree(side.command, side.args, {
    cwd: folder,
    env: side.env,
    graceMs: 500,
    stdio: 'ignore',
  });
  cleanups.push(() => tree.stop());
  const exited = new Promise<number | null>((r) => tree.child.once('exit', (code) => r(code)));
  return { side, exited };
}

/**
 * A server program for the sandbox: it answers `hi <port>` on each port it is given (127.0.0.1,
 * or ::1 for a port given as `v6:<port>`), tries what an agent might (its open sockets, its environment,
 * a server on this machine's loopback), writes what it found to `found.json`, and runs until
 * `stop` appears.
 */
const SERVER = `
const net = require('node:net');
const fs = require('node:fs');
const [folder, reachPort, ...ports] = process.argv.slice(1);
const sockets = fs.readdirSync('/proc/self/fd').filter((n) => Number(n) > 2).map((n) => { try { return fs.readlinkSync('/proc/self/fd/' + n); } catch { return ''; } }).filter((l) => l.startsWith('socket:'));
const found = { sockets, env: Object.keys(process.env).filter((k) => /NODE_CHANNEL|INBOUND/.test(k)) };
let up = 0;
for (const p of ports) {
  const [host, port] = p.startsWith('v6:') ? ['::1', Number(p.slice(3))] : ['127.0.0.1', Number(p)];
  net.createServer((c) => c.end('hi ' + port)).listen(port, host, () => { if (++up === ports.length) tried(); });
}
function tried() {
  const s = net.connect(Number(reachPort), '127.0.0.1');
  s.once('connect', () => { found.reached = 'connected'; s.destroy(); write(); });
  s.once('error', (e) => { found.reached = e.code; write(); });
}
function write() { fs.writeFileSync(folder + '/found.json', JSON.stringify(found)); console.log('listening'); }
setInterval(() => { if (fs.existsSync(folder + '/stop')) process.exit(0); }, 50);
`;

describe.runIf(process.platform === 'linux')("a sandboxed program's ports", () => {
  it("reach its servers from this machine's 127.0.0.1 on the block's ports only, and end with it", async () => {
    const folder = mkdtempSync(join(tmpdir(), 'baton-inbound-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const first = await freeBlock(11);
    // A program of this machine already on the block's second port: not forwarded, and the
    // sandbox cannot reach it through the forwarder either.
    const here = net.createServer((c) => c.end('this machine')).listen(first + 1, '127.0.0.1');
    await new Promise((r) => here.once('listening', r));
    cleanups.push(() => new Promise((r) => here.close(r)));
    const made = await confine({
      policy: DEFAULT_SANDBOX,
      command: process.execPath,
      // In the block: the first (127.0.0.1) and the third (::1 only); outside it: first + 10.
      args: ['-e', SERVER, folder, String(first + 1), String(first), `v6:${first + 2}`, String(first + 10)],
      cwd: folder,
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: '--no-warnings' },
      folders: [folder],
      owner: 'a test',
      inbound: { first, count: 10 },
    });
    if (!made.ok) throw new Error(made.error);
    const { program } = made;
    expect(program.inbound).not.toBeNull();
    const tree = spawnTree(program.command, program.args, {
      cwd: folder,
      env: program.env,
      graceMs: 500,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    tree.child.stdout!.on('data', (c: Buffer) => {
      out += c;
    });
    tree.child.stderr!.on('data', (c: Buffer) => {
      out += c;
    });
    const exited = new Promise<number | null>((r) => tree.child.once('exit', (code) => r(code)));
    try {
      await expect.poll(() => out, { timeout: 30_000 }).toContain('listening');
      // The block's first port reaches the server in the sandbox, from this machine's 127.0.0.1.
      await expect.poll(() => reach(first), { timeout: 30_000 }).toBe(`hi ${first}`);
      // One that listens on the sandbox's ::1 only is reached too (the relay tries both).
      expect(await reach(first + 2)).toBe(`hi ${first + 2}`);
      // A port outside the block is not forwarded: nothing listens here.
      expect(await reach(first + 10)).toBe('ECONNREFUSED');
      // The block's port another program held first stays that program's.
      expect(await reach(first + 1)).toBe('this machine');
      // This machine's other addresses are not listened on: loopback only.
      const lan = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
      if (lan) expect(await reach(first, lan)).toBe('ECONNREFUSED');
      // What the panel is told: held, refused, and what listens in the sandbox.
      const look = await lookInto(program.inbound!);
      expect(look.refused).toEqual([{ port: first + 1, code: 'EADDRINUSE' }]);
      expect(look.held).toHaveLength(9);
      expect(look.listening).toEqual([first, first + 2]);
      // What the agent found: no channel, no fd of the relay's, no relay's variables, and the
      // server on this machine's port is out of its reach (its 127.0.0.1 is the sandbox's).
      const found = JSON.parse(readFileSync(join(folder, 'found.json'), 'utf8')) as {
        sockets: string[];
        env: string[];
        reached: string;
      };
      expect(found.env).toEqual([]);
      expect(found.reached).toBe('ECONNREFUSED');
      expect(found.sockets).toEqual([]);
      writeFileSync(join(folder, 'stop'), '');
      expect(await exited).toBe(0);
    } finally {
      await tree.stop();
      await program.release();
    }
    // Ended with the program: no port of the block is listened on here any more, the status folder is gone.
    expect(await reach(first)).toBe('ECONNREFUSED');
    expect(await reach(first + 2)).toBe('ECONNREFUSED');
    expect(existsSync(dirname(program.inbound!.status))).toBe(false);
  });

  it('hands a connection the host side accepted before the handover to the sandbox side, not dropping it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'baton-inbound-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const first = await freeBlock(3);
    // Stands in for the sandbox: it blocks (so it reads nothing from the channel, and the host side
    // is the only one that can accept) until \`go\` appears, then answers every connection it is
    // handed, or accepts, with \`relayed <port>\`.
    const SIDE = `
const fs = require('node:fs');
const folder = process.argv[1];
const nap = new Int32Array(new SharedArrayBuffer(4));
while (!fs.existsSync(folder + '/go')) Atomics.wait(nap, 0, 0, 10);
process.on('message', (m, h) => {
  if (m.conn) return h.end('relayed ' + m.port);
  h.on('connection', (c) => c.end('relayed ' + m.port));
});
process.on('disconnect', () => {});
setInterval(() => { if (fs.existsSync(folder + '/stop')) process.exit(0); }, 20);
`;
    const { side, exited } = startHostSide(SIDE, folder, first);
    // The host side listens on every port (its status is written then), and nobody else can accept.
    await expect.poll(() => existsSync(side.inbound.status), { timeout: 30_000 }).toBe(true);
    const early = [reach(first), reach(first + 2)];
    // Each connection is made (the kernel's accept queue), so the host side takes it before the go.
    await expect.poll(() => listensHere(first + 1), { timeout: 30_000 }).toBe(true);
    writeFileSync(join(folder, 'go'), '');
    expect(await Promise.all(early)).toEqual([`relayed ${first}`, `relayed ${first + 2}`]);
    // Once handed over, the sandbox's side accepts on the sockets itself.
    await expect.poll(() => reach(first + 1), { timeout: 30_000 }).toBe(`relayed ${first + 1}`);
    writeFileSync(join(folder, 'stop'), '');
    expect(await exited).toBe(0);
    expect(await reach(first)).toBe('ECONNREFUSED');
  });

  it('holds at most 64 connections for a sandbox side that never reads its channel, and refuses the rest', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'baton-inbound-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const first = await freeBlock(3);
    const DEAF = `
const fs = require('node:fs');
const nap = new Int32Array(new SharedArrayBuffer(4));
while (!fs.existsSync(process.argv[1] + '/stop')) Atomics.wait(nap, 0, 0, 10);
`;
    const { side, exited } = startHostSide(DEAF, folder, first);
    await expect.poll(() => existsSync(side.inbound.status), { timeout: 30_000 }).toBe(true);
    // The first socket is written to the channel (its copy here closed); the others wait for the
    // sandbox side to take it, and this side accepts on them meanwhile.
    let closed = 0;
    const all = Array.from({ length: 70 }, () =>
      reach(first + 2).then((r) => {
        if (r === 'closed') closed++;
        return r;
      }),
    );
    await expect.poll(() => closed, { timeout: 30_000 }).toBe(6);
    writeFileSync(join(folder, 'stop'), '');
    expect(await exited).toBe(0);
    // The ones it held end with it (reached nothing).
    expect((await Promise.all(all)).filter((r) => r.startsWith('hi'))).toEqual([]);
  });

  it('passes a program killed by a signal back as that signal, its ports closed', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'baton-inbound-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    const first = await freeBlock(2);
    const made = await confine({
      policy: DEFAULT_SANDBOX,
      command: 'sh',
      args: ['-c', 'echo started; kill -TERM $$'],
      cwd: folder,
      env: { PATH: process.env.PATH ?? '' },
      folders: [folder],
      owner: 'a test',
      inbound: { first, count: 2 },
    });
    if (!made.ok) throw new Error(made.error);
    const tree = spawnTree(made.program.command, made.program.args, {
      cwd: folder,
      env: made.program.env,
      graceMs: 500,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const end = await new Promise<[number | null, string | null]>((r) =>
      tree.child.once('exit', (code, signal) => r([code, signal])),
    );
    await tree.stop();
    await made.program.release();
    // The sandbox's shell says a program killed by SIGTERM exited 143 (confine's exitOutside reads it back).
    expect(end).toEqual([143, null]);
    expect(await reach(first)).toBe('ECONNREFUSED');
  });
});
