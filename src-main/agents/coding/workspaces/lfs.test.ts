import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { lockedRepositories } from './repo-lock.ts';
import type { Step } from './testing/agent-branch.ts';
import { STEPS, walkAgentBranch } from './testing/agent-branch.ts';
import type { TempRepo } from './testing/temp-repo.ts';
import { makeRepo } from './testing/temp-repo.ts';

/**
 * Git LFS as a way out of the sandbox: an agent commits a `.lfsconfig` naming a server of its
 * choosing, `*.bin filter=lfs` and an LFS pointer. With the person's usual `git lfs install`, any
 * git outside the sandbox that checks the branch out runs git-lfs's smudge, which asks that
 * server for the object (a POST of data the agent chose). The real git-lfs, a listener on
 * 127.0.0.1 standing for the agent's server.
 */

let t: TempRepo;
let server: Server;
let port: number;
let connections = 0;
const sockets = new Set<Socket>();
let globalConfig: string;

beforeEach(async () => {
  t = makeRepo({ 'README.md': 'hello\n', 'notes.txt': '1\n2\n3\n' });
  const home = join(t.root, 'home');
  mkdirSync(home);
  globalConfig = join(home, '.gitconfig');
  // The person's usual set-up: `git lfs install` in the repository (its global filter, its hooks).
  execFileSync('git', ['lfs', 'install'], { cwd: t.repo, env: personEnv(home) });
  expect(t.git(['config', '--file', globalConfig, 'filter.lfs.process'])).toBe('git-lfs filter-process');
  vi.stubEnv('GIT_CONFIG_GLOBAL', globalConfig);
  connections = 0;
  server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.once('data', () =>
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'),
    );
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
});

afterEach(async () => {
  vi.unstubAllEnvs();
  for (const s of sockets) s.destroy();
  await new Promise<void>((done) => server.close(() => done()));
  expect(lockedRepositories()).toBe(0);
  t.cleanup();
});

/** git as the person runs it: their global config (with LFS), no system config. */
const personEnv = (home: string) => ({
  PATH: process.env.PATH,
  HOME: home,
  GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
  GIT_CONFIG_NOSYSTEM: '1',
  LC_ALL: 'C',
});

const POINTER = `version https://git-lfs.github.com/spec/v1\noid sha256:${'ab'.repeat(32)}\nsize 4096\n`;

it("never lets git-lfs reach the server an agent's .lfsconfig names, on any path Baton's git takes over its branch", async () => {
  const agentFiles = {
    '.lfsconfig': `[lfs]\n\turl = http://127.0.0.1:${port}/agent.git/info/lfs\n`,
    '.gitattributes': '*.bin filter=lfs diff=lfs merge=lfs -text\n',
    'data.bin': POINTER,
    'notes.txt': '1 by the agent\n2\n3\n',
  };
  const seen: Partial<Record<Step, number>> = {};
  const walk = await walkAgentBranch(t, agentFiles, { 'other.txt': 'other\n' }, async (step, run) => {
    const before = connections;
    try {
      await run();
    } finally {
      seen[step] = connections - before;
    }
  });
  expect(seen).toEqual(Object.fromEntries(STEPS.map((s) => [s, 0])));
  expect(walk.errors).toEqual({});
  expect(connections).toBe(0);
  // Each worktree holds the pointer the agent wrote, as it is.
  expect(t.read('data.bin', join(t.worktrees, 'pooled'))).toBe(POINTER);
  expect(t.read('data.bin', join(t.worktrees, 'both'))).toBe(POINTER);

  // The same branch checked out by git as the person runs it: git-lfs asks the agent's server
  // (its download fails on the 404, and with it the checkout: the connection was made).
  // Not execFileSync: this process answers the server's side.
  const byHand = await new Promise<string>((done) =>
    execFile(
      'git',
      ['worktree', 'add', '-q', '--detach', join(t.worktrees, 'by-hand'), walk.commit],
      { cwd: t.repo, env: personEnv(join(t.root, 'home')) },
      (err, _out, stderr) => done(err ? stderr : 'checked out'),
    ),
  );
  expect(byHand).toMatch(/smudge filter lfs failed/);
  expect(connections).toBeGreaterThan(0);
}, 120_000);
