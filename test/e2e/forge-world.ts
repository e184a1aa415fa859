// A landing screen's world, as a person meets it: a real repository (`projects/webapp`, one commit)
// and a fake qwen beside it, a real git remote over HTTP and a scripted GitHub (`acme/webapp`)
// reached through @octokit/rest, and the app served in browser mode with its workspace `webapp`
// landing there. The landing, fix-round and rebase screens' tests each built this by hand.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { writeFakeQwen } from '../kit/fake-qwen.ts';
import { type GitHubServer, type GitHubServerOptions, startGitHubServer } from '../kit/forge/github.ts';
import { type GitRemote, startGitRemote } from '../kit/git-remote.ts';
import { serveHost } from './app-host.ts';
import type { Rpc } from './harness.ts';
import { removeDataDir, rpcFor } from './harness.ts';

export interface ForgeWorldOptions {
  /** The temp folder's name starts so (`baton-<prefix>-`). */
  prefix: string;
  /** The token GitHub and the remote take. */
  token: string;
  /** The remote starts empty and the repository's main is pushed to it (a base that can move). */
  mainOnRemote?: boolean;
  /** More of the scripted GitHub's options. */
  github?: (remote: GitRemote) => Partial<GitHubServerOptions>;
}

export interface ForgeWorld {
  /** The temp folder: the fake qwen (`qwen`), its log (`cli.log`), the repository and the data. */
  dir: string;
  repo: string;
  remote: GitRemote;
  gh: GitHubServer;
  app: BatonApp;
  host: BrowserHost;
  rpc: Rpc;
  /** The host, the app, the remote and GitHub closed, the folder removed. */
  close(): Promise<void>;
}

export async function openForgeWorld(opts: ForgeWorldOptions): Promise<ForgeWorld> {
  const { token } = opts;
  const dir = realpathSync(mkdtempSync(join(tmpdir(), `baton-${opts.prefix}-`)));
  // What is open so far, closed last first (also when opening fails halfway).
  const opened: (() => Promise<void>)[] = [() => removeDataDir(dir)];
  const close = async () => {
    for (const c of opened.splice(0).reverse()) await c();
  };
  try {
    const repo = join(dir, 'projects', 'webapp');
    mkdirSync(repo, { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'README.md'), '# webapp\n');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'first');
    writeFakeQwen(dir);
    const remote = await startGitRemote({
      auth: { user: 'x-access-token', password: token },
      ...(opts.mainOnRemote ? { files: {} } : {}),
    });
    opened.push(() => remote.close());
    if (opts.mainOnRemote) {
      // Not execFileSync: the remote answers from this process.
      const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
      await promisify(execFile)(
        'git',
        [
          '-c',
          `http.extraHeader=Authorization: Basic ${basic}`,
          'push',
          '-q',
          remote.url,
          'main:refs/heads/main',
        ],
        { cwd: repo },
      );
    }
    const gh = await startGitHubServer({
      repo: 'acme/webapp',
      tokens: { [token]: 'write' },
      branchTip: (b) => remote.tip(b),
      ...opts.github?.(remote),
    });
    opened.push(() => gh.stop());
    const dataDir = join(dir, 'data');
    // Every followed landing is due at once; the timer never fires (a test polls with `landing.tick`).
    const app = createApp({
      dataDir,
      log: () => {},
      landing: { follow: { firstMs: 0, maxMs: 0 }, tickMs: 3_600_000 },
    });
    opened.push(() => app.close());
    const host = await serveHost(app, dataDir);
    opened.push(() => host.close());
    const rpc = rpcFor(host.openUrl);
    await rpc('secrets.set', { name: 'github.token', value: token });
    await rpc('workspaces.add', {
      id: 'webapp',
      path: repo,
      remote: {
        url: remote.url,
        forge: { kind: 'github', api_url: gh.url, repo: 'acme/webapp', token_secret: 'github.token' },
      },
    });
    return { dir, repo, remote, gh, app, host, rpc, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The fake qwen as the coding agent `builder` (`mode`: how it ends; `tag` marks its processes). */
export function qwenBuilder(w: { dir: string }, mode: string, tag?: string) {
  return {
    id: 'builder',
    kind: 'coding',
    cli: 'qwen',
    skills: ['builder'],
    executable: join(w.dir, 'qwen'),
    env: { LOG: join(w.dir, 'cli.log'), MODE: mode, ...(tag ? { TAG: tag } : {}) },
  };
}
