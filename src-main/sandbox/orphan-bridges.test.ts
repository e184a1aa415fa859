import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reapOrphanBridges } from './orphan-bridges.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fake `/proc`: each process with its argv, parent and command name. */
function fakeProc(ps: { pid: number; ppid: number; argv: string[]; comm?: string }[]): string {
  const proc = mkdtempSync(join(tmpdir(), 'baton-proc-'));
  dirs.push(proc);
  for (const p of ps) {
    const dir = join(proc, String(p.pid));
    mkdirSync(dir);
    writeFileSync(join(dir, 'cmdline'), `${p.argv.join('\0')}\0`);
    writeFileSync(join(dir, 'stat'), `${p.pid} (${p.comm ?? 'x'}) S ${p.ppid} 1 1 0 -1`);
    writeFileSync(join(dir, 'comm'), `${p.comm ?? p.argv[0]?.split('/').at(-1) ?? ''}\n`);
  }
  return proc;
}

const bridge = (id: string) => [
  '/usr/bin/socat',
  `UNIX-LISTEN:/tmp/claude-http-${id}.sock,fork,reuseaddr`,
  'TCP:localhost:4000',
];

describe('the sandbox library bridges a killed Baton left', () => {
  it('ends the bridges adopted by init or a systemd subreaper, and nothing else', () => {
    const proc = fakeProc([
      { pid: 1, ppid: 0, argv: ['/sbin/init'], comm: 'init' },
      { pid: 50, ppid: 1, argv: ['/lib/systemd/systemd', '--user'], comm: 'systemd' },
      { pid: 100, ppid: 1, argv: ['node', 'baton.ts'], comm: 'node' },
      { pid: 101, ppid: 100, argv: bridge('aa11'), comm: 'socat' }, // a live Baton's
      { pid: 200, ppid: 1, argv: bridge('bb22'), comm: 'socat' }, // orphan
      { pid: 201, ppid: 50, argv: bridge('cc33'), comm: 'socat' }, // orphan under a subreaper
      { pid: 300, ppid: 1, argv: ['/usr/bin/socat', 'TCP-LISTEN:80', 'TCP:x:80'], comm: 'socat' }, // someone else's
    ]);
    const killed: number[] = [];
    expect(reapOrphanBridges(proc, (pid) => killed.push(pid)).sort()).toEqual([200, 201]);
    expect(killed.sort()).toEqual([200, 201]);
  });

  it("ends a session's sandbox a killed Baton left, with the relays inside it, and not a live one's", () => {
    const sandbox = (id: string) => [
      'bwrap',
      '--new-session',
      '--die-with-parent',
      '--unshare-net',
      '--bind',
      `/tmp/claude-http-${id}.sock`,
      `/tmp/claude-http-${id}.sock`,
      '--',
      'bash',
      '-c',
      '…',
    ];
    const relay = (id: string) => [
      'socat',
      'TCP6-LISTEN:3128,ipv6only=0,fork,reuseaddr,backlog=4096',
      `UNIX-CONNECT:/tmp/claude-http-${id}.sock`,
    ];
    const proc = fakeProc([
      { pid: 1, ppid: 0, argv: ['/sbin/init'], comm: 'init' },
      { pid: 100, ppid: 1, argv: ['node', 'baton.ts'], comm: 'node' },
      { pid: 110, ppid: 100, argv: sandbox('aa11'), comm: 'bwrap' }, // a live Baton's git in its sandbox
      { pid: 111, ppid: 110, argv: relay('aa11'), comm: 'socat' },
      // Baton's git in a sandbox when Baton was SIGKILLed: the git went, the relays stayed.
      { pid: 1704, ppid: 1, argv: sandbox('b21b'), comm: 'bwrap' },
      { pid: 1707, ppid: 1704, argv: relay('b21b'), comm: 'socat' },
      { pid: 1709, ppid: 1704, argv: relay('b21b'), comm: 'socat' },
      { pid: 400, ppid: 1, argv: ['bwrap', '--ro-bind', '/', '/', 'sh'], comm: 'bwrap' }, // someone else's
    ]);
    const killed: number[] = [];
    expect(reapOrphanBridges(proc, (pid) => killed.push(pid))).toEqual([1707, 1709, 1704]);
    expect(killed).toEqual([1707, 1709, 1704]);
  });

  it('is quiet where there is no /proc to read', () => {
    expect(reapOrphanBridges(join(tmpdir(), 'baton-no-such-proc'))).toEqual([]);
  });
});
