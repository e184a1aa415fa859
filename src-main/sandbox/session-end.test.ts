import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SANDBOX } from '../../src-shared/schemas/sandbox.ts';
import { localServers } from '../agents/testing/local-server.ts';
import { readProcTable } from '../processes/proc-table.ts';
import { confine, endSandboxWhenIdle } from './confine.ts';
import { endSandboxSession, sandboxSession } from './runtime.ts';
import { runConfined } from './testing/run-confined.ts';

const TRESPASS = fileURLToPath(new URL('./testing/trespass.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'baton-session-end-'));
const servers = localServers();
afterAll(async () => {
  await endSandboxSession();
  rmSync(root, { recursive: true, force: true });
});

/** Fetches `url` from inside the sandbox, where only its host is allowed: what the program got. */
async function fetchInside(url: string): Promise<string> {
  const { out } = await runConfined({
    policy: {
      ...DEFAULT_SANDBOX,
      network: { allow: [url.replace(/^http:\/\/|\/.*$/g, '')], unlisted: 'deny' },
    },
    command: process.execPath,
    args: [TRESPASS, '--allowed', url],
    cwd: root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
    folders: [root],
    owner: 'agent "test"',
  });
  const result = /::result (.*)/.exec(out)?.[1];
  return result ? (JSON.parse(result) as { allowed: string }).allowed : `no result: ${out}`;
}

/** This process's children running `socat`: the library's network bridges (Linux: /proc). */
async function socatChildren(): Promise<number[]> {
  const children = (await readProcTable(0)).filter((e) => e.ppid === process.pid && !e.zombie);
  const socat = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'socat';
    } catch {
      return false; // gone meanwhile
    }
  };
  return children.map((e) => e.pid).filter(socat);
}

describe.runIf(process.platform === 'linux')("the sandbox's session", () => {
  it('a session asked for while the last one is still ending starts once that end is over, so the end clears nothing of it', async () => {
    const host = await servers((_req, res) => {
      res.end('hello from a listed host');
    });
    expect(await fetchInside(`${host.url}/a`)).toBe('ok hello from a listed host');

    // The end of a session waits for its bridges to exit (the library gives them 1.5 s before a
    // SIGKILL): stopped, they hold it under way while the next session is asked for, as a
    // program of a Baton opened right after another closed asks for it (the app's close ends
    // the session once its last program is gone).
    const bridges = await socatChildren();
    expect(bridges.length).toBeGreaterThan(0);
    for (const pid of bridges) process.kill(pid, 'SIGSTOP');
    const order: string[] = [];
    const ended = endSandboxSession().then(() => order.push('ended'));
    const started = sandboxSession().then(() => order.push('started'));
    await Promise.all([ended, started]);
    expect(order).toEqual(['ended', 'started']);

    // The new session is whole: its program reaches its listed host through its own bridges.
    expect(await fetchInside(`${host.url}/b`)).toBe('ok hello from a listed host');
    expect(host.requests.map((q) => q.url)).toEqual(['/a', '/b']);
  });

  it('a program set up while the session waits to end once idle (an app closed) runs in it whole', async () => {
    const host = await servers((_req, res) => {
      res.end('still here');
    });
    const first = await confine({
      policy: DEFAULT_SANDBOX,
      command: 'true',
      args: [],
      cwd: root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
      folders: [root],
      owner: 'agent "test"',
    });
    if (!first.ok) throw new Error(first.error);
    await endSandboxWhenIdle(); // a program runs: the session is to end when it is released
    const second = fetchInside(`${host.url}/c`);
    await first.program.release();
    expect(await second).toBe('ok still here');
  });
});
