// A landing test's world: an app whose workspace (a real temp repository) lands on a real git
// remote served over HTTP and a scripted GitHub, through the real @octokit/rest. The landing tests
// each built this by hand; `LandingWorlds` builds it and takes it down after each test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRepo, type TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { call, controlledExecutor } from './engine-kit.ts';
import { type GitHubServer, type GitHubServerOptions, startGitHubServer } from './forge/github.ts';
import { type GitRemote, startGitRemote } from './git-remote.ts';

/** The token GitHub and the remote take (secret `github.token`). */
export const LANDING_TOKEN = 'ghp_good';

/** Every followed landing is due at once; the timer never fires in a test (each polls with `landing.tick`). */
export const FOLLOW = { landing: { follow: { firstMs: 0, maxMs: 0 }, tickMs: 3_600_000 } };

export interface LandingWorldOptions {
  /** The temp data directory's name starts so (`baton-<prefix>-`). */
  prefix: string;
  /** The workspace repository's first commit (default: a README). */
  repoFiles?: Record<string, string>;
  /** The remote asks for the token (default true). */
  remoteAuth?: boolean;
  /** The remote's first commit (`{}`: it starts empty). */
  remoteFiles?: Record<string, string>;
  /** More of the scripted GitHub's options (its tokens default to the token with write rights). */
  github?: (remote: GitRemote) => Partial<GitHubServerOptions>;
  /** The forge's API address Baton is given: GitHub's, or a proxy in front of it. */
  apiUrl?: (githubUrl: string) => string | Promise<string>;
  /** Names a webhook secret on the forge (`github.hook`), set to this value (true: named, not set). */
  webhook?: string | true;
  /** Done before the app starts (the repository and remote made). */
  before?: (w: { repo: TempRepo; remote: GitRemote }) => unknown;
}

export interface LandingWorld {
  dataDir: string;
  repo: TempRepo;
  remote: GitRemote;
  gh: GitHubServer;
  exec: ReturnType<typeof controlledExecutor>;
  app: BatonApp;
}

/** Opens landing worlds and closes them (`close` in an `afterEach`): apps, the remote, GitHub, temp folders. */
export class LandingWorlds {
  private readonly apps = new Set<BatonApp>();
  private readonly servers: { close(): Promise<void> }[] = [];
  private readonly cleanups: (() => void)[] = [];

  async open(opts: LandingWorldOptions): Promise<LandingWorld> {
    const dataDir = mkdtempSync(join(tmpdir(), `baton-${opts.prefix}-`));
    this.cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const repo = makeRepo(opts.repoFiles);
    this.cleanups.push(repo.cleanup);
    const remote = await startGitRemote({
      ...(opts.remoteAuth === false ? {} : { auth: { user: 'x-access-token', password: LANDING_TOKEN } }),
      ...(opts.remoteFiles ? { files: opts.remoteFiles } : {}),
    });
    this.servers.push(remote);
    await opts.before?.({ repo, remote });
    const gh = await startGitHubServer({
      repo: 'acme/app',
      tokens: { [LANDING_TOKEN]: 'write' },
      branchTip: (b) => remote.tip(b),
      ...opts.github?.(remote),
    });
    this.servers.push({ close: () => gh.stop() });
    const exec = controlledExecutor();
    const app = this.app(dataDir, { echo: exec.executor });
    await call(app, 'secrets.set', { name: 'github.token', value: LANDING_TOKEN });
    if (typeof opts.webhook === 'string')
      await call(app, 'secrets.set', { name: 'github.hook', value: opts.webhook });
    await call(app, 'workspaces.add', {
      id: 'app',
      path: repo.repo,
      remote: {
        url: remote.url,
        forge: {
          kind: 'github',
          api_url: opts.apiUrl ? await opts.apiUrl(gh.url) : gh.url,
          repo: 'acme/app',
          token_secret: 'github.token',
          ...(opts.webhook !== undefined ? { webhook_secret: 'github.hook' } : {}),
        },
      },
    });
    return { dataDir, repo, remote, gh, exec, app };
  }

  /** An app over `dataDir` (a restart: close the one before first), closed with the world. */
  app(dataDir: string, executors: Parameters<typeof createApp>[0]['executors'] = {}): BatonApp {
    const app = createApp({ dataDir, executors, log: () => {}, ...FOLLOW });
    this.apps.add(app);
    return app;
  }

  /** Something else to undo after the test (a proxy's server). */
  later(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  async close(): Promise<void> {
    for (const app of this.apps) await app.close();
    this.apps.clear();
    for (const s of this.servers.splice(0).reverse()) await s.close();
    for (const c of this.cleanups.splice(0)) c();
  }
}
