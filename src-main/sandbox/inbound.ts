import { readFileSync, readlinkSync, rmSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { readProcTable, readStatSync } from '../processes/proc-table.ts';
import { TREE_MARKER } from '../processes/tree-marker.ts';
import { makeTempFolder } from './temp-folders.ts';

/**
 * A block of ports a sandboxed program's servers are reached on from this machine: a connection to
 * `127.0.0.1:<port>` here goes to the same port on the sandbox's own loopback (127.0.0.1, else
 * ::1). Linux only. How, and why our own code (README.md beside this file, "Reaching a server in
 * the sandbox"):
 *
 * - On this machine, a small Node program (`HOST`) stands between Baton and bubblewrap: it
 *   listens on 127.0.0.1 on each port of the block, starts the sandbox with a Node IPC channel
 *   (fd 3), hands each listening socket down that channel (Node's documented handle passing,
 *   SCM_RIGHTS), closes its own copies and the channel, and waits for the sandbox to end. A
 *   connection it accepts itself before its copy is closed goes down the channel too (paused,
 *   unread), so none made while the sockets are handed over is lost; at most 64 wait to go at
 *   once (a sandbox side that never reads its channel does not make it hold every one).
 * - In the sandbox, before the agent's program, the sandbox's shell starts `RELAY` (the same Node,
 *   an empty environment): it accepts on the sockets it was handed (they stay in this machine's
 *   network) and connects each connection to the same port in the sandbox's network. The
 *   program itself gets neither the channel nor its fd.
 *
 * Nothing else crosses: the sandbox gets listening sockets of this machine's loopback for the
 * block's ports only, which accept connections and make none.
 */
export interface InboundPorts {
  first: number;
  count: number;
}

/** What the host side wrote once it listened: the sandbox's leader, and the ports it holds or could not. */
interface InboundStatus {
  /** The pid of bubblewrap (this machine's), whose child is the sandbox's first process. */
  pid: number;
  held: number[];
  refused: { port: number; code: string }[];
}

/** One program's ports into its sandbox: made by `confine`, looked at by the task panel. */
export interface Inbound {
  readonly ports: InboundPorts;
  /** The host side's status file (in a folder of Baton's, read-only in the sandbox). */
  readonly status: string;
  /** Removes its folder (the program ended). */
  end(): void;
  /** The sandbox's first process once found (its pid and start time), so the next look does not search. */
  found?: { pid: number; start: number };
}

/** Environment variables that carry the relay into the sandbox's shell (unset before the program runs). */
export const RELAY_NODE_VAR = 'BATON_INBOUND_NODE';
export const RELAY_CODE_VAR = 'BATON_INBOUND_RELAY';

/**
 * The relay as it runs in the sandbox: it takes the listening sockets the host side hands it and
 * connects each connection to the same port on the sandbox's loopback, 127.0.0.1 first, then ::1
 * (a dev server that listens on `localhost` may take either).
 */
const RELAY = `
const net = require('node:net');
process.on('message', (m, handle) => {
  if (!handle || !m || typeof m.port !== 'number') return;
  if (m.conn) return pass(handle, m.port, ['127.0.0.1', '::1']);
  handle.on('error', () => {});
  handle.on('connection', (client) => pass(client, m.port, ['127.0.0.1', '::1']));
});
process.on('disconnect', () => {});
function pass(client, port, hosts) {
  client.on('error', () => {});
  const up = net.connect(port, hosts[0]);
  let joined = false;
  up.once('connect', () => { joined = true; client.pipe(up); up.pipe(client); });
  up.on('error', (e) => {
    if (!joined && e.code === 'ECONNREFUSED' && hosts.length > 1) pass(client, port, hosts.slice(1));
    else client.destroy();
  });
  client.on('close', () => up.destroy());
  up.on('close', () => { if (joined) client.destroy(); });
}
`;

/**
 * The host side: `node -e HOST <config> <program> <args…>`. It ignores the terminal's signals
 * (they reach the sandbox, which it outlives) and exits as the sandbox did, by the same signal.
 */
const HOST = `
const net = require('node:net');
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const cfg = JSON.parse(process.argv[1]);
const [command, ...args] = process.argv.slice(2);
const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
for (const s of signals) process.on(s, () => {});
const env = { ...process.env };
for (const [k, v] of Object.entries(cfg.restore)) { if (v === null) delete env[k]; else env[k] = v; }
const child = spawn(command, args, { env, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] });
child.on('error', (e) => { if (child.pid === undefined) { process.stderr.write(String(e.message) + '\\n'); process.exit(127); } });
child.on('exit', (code, sig) => {
  if (sig) { for (const s of signals) process.removeAllListeners(s); process.kill(process.pid, sig); }
  else process.exit(code === null ? 1 : code);
});
const held = [];
const refused = [];
const servers = [];
let left = cfg.count;
for (let port = cfg.first; port < cfg.first + cfg.count; port++) {
  const server = net.createServer({ pauseOnConnect: true }, (c) => passOn(port, c));
  server.once('error', (e) => { refused.push({ port, code: e.code || 'error' }); if (--left === 0) handOver(); });
  server.listen(port, '127.0.0.1', () => { held.push(port); servers.push([port, server]); if (--left === 0) handOver(); });
}
let passing = 0;
function passOn(port, c) {
  c.on('error', () => {});
  // A sandbox that never reads its channel does not make this side hold every connection made meanwhile.
  if (passing < 64 && child.connected) {
    try {
      passing++;
      return void child.send({ port, conn: true }, c, (e) => { passing--; if (e) c.destroy(); });
    } catch { passing--; }
  }
  c.destroy();
}
function handOver() {
  const status = JSON.stringify({ pid: child.pid, held, refused });
  try {
    fs.writeFileSync(cfg.status + '.part', status);
    fs.renameSync(cfg.status + '.part', cfg.status);
  } catch {}
  let sent = 0;
  const done = () => {
    if (++sent < servers.length) return;
    if (child.connected) child.disconnect();
  };
  if (servers.length === 0) return done();
  for (const [port, server] of servers) {
    const closed = () => { server.close(); done(); };
    try { child.send({ port }, server, closed); } catch { closed(); }
  }
}
`;

/**
 * Lines of the sandbox's shell, before the program: the relay started on the channel, which the
 * program does not get; it keeps the attempt's process-tree marker, so a Baton that dies stops it
 * with the rest (src-main/processes/README.md).
 */
export const RELAY_LINES = [
  `case "\${NODE_CHANNEL_FD:-x}" in *[!0-9]*) ;; *) env -i ${TREE_MARKER}="$${TREE_MARKER}" ELECTRON_RUN_AS_NODE=1 NODE_CHANNEL_FD="$NODE_CHANNEL_FD" NODE_CHANNEL_SERIALIZATION_MODE=json "$${RELAY_NODE_VAR}" -e "$${RELAY_CODE_VAR}" </dev/null >/dev/null 2>&1 & eval "exec $NODE_CHANNEL_FD>&-" ;; esac`,
  `unset NODE_CHANNEL_FD NODE_CHANNEL_SERIALIZATION_MODE ${RELAY_NODE_VAR} ${RELAY_CODE_VAR}`,
];

/** Node's variables that would change what the host side runs: taken from its environment, given back to the sandbox's. */
const NODE_OWN = ['NODE_OPTIONS', 'ELECTRON_RUN_AS_NODE'] as const;

/**
 * The sandboxed program (`argv`, `env`: the library's wrap) started through the host side for
 * `ports`: its program, arguments and environment, and the `Inbound` to look at it with.
 */
export function throughInbound(
  argv: readonly string[],
  env: Record<string, string>,
  ports: InboundPorts,
): { command: string; args: string[]; env: Record<string, string>; inbound: Inbound } {
  const folder = makeTempFolder();
  const status = join(folder, 'inbound.json');
  const restore = Object.fromEntries(NODE_OWN.map((k) => [k, env[k] ?? null]));
  const own: Record<string, string> = { ...env, [RELAY_NODE_VAR]: process.execPath, [RELAY_CODE_VAR]: RELAY };
  for (const k of NODE_OWN) delete own[k];
  own.ELECTRON_RUN_AS_NODE = '1';
  let ended = false;
  return {
    command: process.execPath,
    args: ['-e', HOST, JSON.stringify({ first: ports.first, count: ports.count, status, restore }), ...argv],
    env: own,
    inbound: {
      ports,
      status,
      end: () => {
        if (ended) return;
        ended = true;
        rmSync(folder, { recursive: true, force: true });
      },
    },
  };
}

/** What the host side holds and what listens in the sandbox now, for the task panel. */
export interface InboundLook {
  /** The host side has not listened yet (the program is starting). */
  starting: boolean;
  /** The ports forwarded: this machine's 127.0.0.1:<port> goes into the sandbox. */
  held: number[];
  /** Ports of the block another program on this machine listened on first: not forwarded. */
  refused: { port: number; code: string }[];
  /** The held ports a server in the sandbox listens on (its loopback, or every address). */
  listening: number[];
}

/** Reads the host side's status and the sandbox's table of TCP sockets (`/proc/<pid>/net/tcp`, its own network's). */
export async function lookInto(inbound: Inbound): Promise<InboundLook> {
  let status: InboundStatus;
  try {
    status = JSON.parse(readFileSync(inbound.status, 'utf8')) as InboundStatus;
  } catch {
    return { starting: true, held: [], refused: [], listening: [] };
  }
  const first = await sandboxProcess(inbound, status.pid);
  const listening = first === null ? [] : listeningIn(first, status.held);
  return { starting: false, held: status.held, refused: status.refused, listening };
}

const netOf = (pid: number | 'self'): string | null => {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return null;
  }
};

/** The sandbox's first process: bubblewrap's child in a network of its own (found once, then checked). */
async function sandboxProcess(inbound: Inbound, bwrap: number): Promise<number | null> {
  const known = inbound.found;
  if (known && readStatSync(known.pid)?.start === known.start) return known.pid;
  const leader = readStatSync(bwrap);
  if (leader === null) return null;
  const here = netOf('self');
  for (const e of await readProcTable(leader.start)) {
    if (e.ppid !== bwrap || e.zombie) continue;
    const ns = netOf(e.pid);
    if (ns !== null && ns !== here) {
      inbound.found = { pid: e.pid, start: e.start };
      return e.pid;
    }
  }
  return null;
}

/** Addresses a connection to 127.0.0.1 or ::1 reaches, as /proc/net/tcp{,6} spell them (little-endian words). */
const LOOPBACK_V4 = new Set(['0100007F', '00000000']);
const LOOPBACK_V6 = new Set([
  '00000000000000000000000000000000',
  '00000000000000000000000001000000',
  '0000000000000000FFFF00000100007F',
  '0000000000000000FFFF000000000000',
]);

/** The ports of `ports` a socket listens on in the network of process `pid`, on an address the relay reaches. */
export function listeningIn(pid: number, ports: readonly number[]): number[] {
  const found = new Set<number>();
  for (const [file, loopback] of [
    ['tcp', LOOPBACK_V4],
    ['tcp6', LOOPBACK_V6],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] !== '0A') continue; // LISTEN
      const [addr, hex] = (f[1] ?? '').split(':');
      const port = Number.parseInt(hex ?? '', 16);
      if (addr !== undefined && loopback.has(addr.toUpperCase()) && ports.includes(port)) found.add(port);
    }
  }
  return [...found].sort((a, b) => a - b);
}

/** Whether something on this machine accepts a connection on 127.0.0.1:`port` (a connect, closed at once). */
export function listensHere(port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    const done = (yes: boolean) => {
      s.destroy();
      resolve(yes);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}
