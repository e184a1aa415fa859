import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { SandboxPolicy } from '../../src-shared/schemas/sandbox.ts';
import { DEFAULT_SANDBOX } from '../../src-shared/schemas/sandbox.ts';
import { localServers } from '../agents/testing/local-server.ts';
import type { ConfineRequest } from './confine.ts';
import { confine } from './confine.ts';
import { sandboxStatus } from './runtime.ts';
import { runConfined } from './testing/run-confined.ts';

const TRESPASS = fileURLToPath(new URL('./testing/trespass.mjs', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'baton-confine-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const servers = localServers();

/** Runs a confined program to its end, and what it tried (its `::result` line). */
async function run(req: ConfineRequest) {
  const r = await runConfined(req);
  const result = /::result (.*)/.exec(r.out)?.[1];
  return { ...r, tried: result ? (JSON.parse(result) as Record<string, string>) : null };
}

const policy = (p: Partial<SandboxPolicy>): SandboxPolicy => ({ ...DEFAULT_SANDBOX, ...p });

// What is measured here is Linux's (bubblewrap, the seccomp write monitor); macOS reports otherwise.
describe.runIf(process.platform === 'linux')('confine', () => {
  it('this machine can run the sandbox (bubblewrap, socat and ripgrep are installed)', async () => {
    expect(await sandboxStatus()).toEqual({ available: true, problem: null });
  });

  it('writes only in its folders, reads no hidden path, reaches only listed hosts; each refusal is reported', async () => {
    const allowed = await servers((_req, res) => {
      res.end('hello from a listed host');
    });
    const unlisted = await servers((_req, res) => {
      res.end('you should not see this');
    });
    const data = join(root, 'data');
    const folder = join(data, 'workspaces', 'run-1', 't', '1');
    const secrets = join(root, 'secrets');
    mkdirSync(folder, { recursive: true });
    mkdirSync(secrets, { recursive: true });
    writeFileSync(join(secrets, 'id_ed25519'), 'PRIVATE KEY');
    writeFileSync(join(data, 'baton.db'), 'the database');
    const outside = join(root, 'outside.txt');
    const allowedHost = allowed.url.replace('http://', '');
    const unlistedHost = unlisted.url.replace('http://', '');

    const r = await run({
      policy: policy({ network: { allow: [allowedHost], unlisted: 'deny' }, read_deny: [secrets] }),
      command: process.execPath,
      args: [
        TRESPASS,
        '--mine',
        'mine.txt',
        '--outside',
        outside,
        '--secret',
        join(secrets, 'id_ed25519'),
        '--blocked',
        `${unlisted.url}/x`,
        '--allowed',
        `${allowed.url}/y`,
      ],
      cwd: folder,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
      folders: [folder],
      hide: [data],
      owner: 'agent "test"',
    });
    expect(r.tried).toMatchObject({
      mine: 'ok',
      outside: expect.stringMatching(/^failed: EROFS/),
      secret: expect.stringMatching(/^failed: ENOENT/),
      blocked: expect.stringMatching(/^failed: /),
      allowed: 'ok hello from a listed host',
    });
    expect(r.blocked.map((b) => b.text).sort()).toEqual(
      [
        `sandbox: connection to ${unlistedHost} blocked`,
        `sandbox: read of a hidden path refused: ${join(secrets, 'id_ed25519')}`,
        `sandbox: write outside the folder refused: ${outside}`,
      ].sort(),
    );
    expect(unlisted.requests).toEqual([]);
    expect(allowed.requests.map((q) => q.url)).toEqual(['/y']);
    expect(readFileSync(join(folder, 'mine.txt'), 'utf8')).toBe('my own work\n');
    expect(existsSync(outside)).toBe(false);
  });

  it('reports connections made around the proxy and to Unix sockets, from what the program says', async () => {
    const server = await servers((_req, res) => {
      res.end('you should not see this');
    });
    const folder = join(root, 'direct');
    mkdirSync(folder, { recursive: true });
    const socket = join(root, 'outside.sock');
    const listening = net.createServer((c) => c.end('no')).listen(socket);
    await new Promise((r) => listening.once('listening', r));
    const direct = server.url.replace('http://', '');
    try {
      const r = await run({
        policy: DEFAULT_SANDBOX,
        command: process.execPath,
        args: [TRESPASS, '--direct', direct, '--unix', socket],
        cwd: folder,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: root },
        folders: [folder],
        owner: 'agent "test"',
      });
      expect(r.tried).toEqual({
        direct: expect.stringMatching(/^failed: connect ECONNREFUSED/),
        unix: expect.stringMatching(/^failed: connect EPERM/),
      });
      expect(r.blocked.map((b) => [b.blocked, b.target, b.seen_by, b.text])).toEqual([
        ['network', direct, 'stderr', `sandbox: connection to ${direct} blocked (made around the proxy)`],
        ['network', `unix:${socket}`, 'stderr', `sandbox: connection to the Unix socket ${socket} blocked`],
      ]);
      expect(server.requests).toEqual([]);
    } finally {
      await new Promise((r) => listening.close(r));
    }
  });

  it("hides Baton's data directory but for the program's own folder in it", async () => {
    const data = join(root, 'data2');
    const folder = join(data, 'workspaces', 'a');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(data, 'server.json'), '{"token":"secret"}');
    writeFileSync(join(folder, 'input.txt'), 'mine to read');
    const r = await run({
      policy: DEFAULT_SANDBOX,
      command: '/bin/sh',
      args: ['-c', `cat input.txt; cat ${join(data, 'server.json')}`],
      cwd: folder,
      env: { PATH: '/usr/bin:/bin' },
      folders: [folder],
      hide: [data],
      owner: 'agent "test"',
    });
    expect(r.out).toBe('mine to read');
    expect(r.err).toContain('No such file or directory');
    expect(r.blocked.map((b) => b.text)).toEqual([
      `sandbox: read of a hidden path refused: ${join(data, 'server.json')}`,
    ]);
  });

  it('runs a program whose sandbox is off as it is', async () => {
    const outside = join(root, 'off.txt');
    const made = await confine({
      policy: policy({ mode: 'off' }),
      command: '/bin/sh',
      args: ['-c', `echo x > ${outside}`],
      cwd: root,
      env: {},
      folders: [root],
      owner: 'agent "test"',
    });
    expect(made.ok && [made.program.sandboxed, made.program.command, made.program.args]).toEqual([
      false,
      '/bin/sh',
      ['-c', `echo x > ${outside}`],
    ]);
  });

  it('names a host the sandbox library refuses', async () => {
    const made = await confine({
      policy: policy({ network: { allow: ['*'], unlisted: 'deny' } }),
      command: 'true',
      args: [],
      cwd: root,
      env: {},
      folders: [root],
      owner: 'agent "test"',
    });
    expect(made.ok ? 'ran' : made.error).toMatch(/^sandbox\.network\.allow: /);
  });
});
