import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { call, controlledExecutor, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import { type GitHubServer, startGitHubServer } from '../../test/kit/forge/github.ts';
import { type GitRemote, startGitRemote } from '../../test/kit/git-remote.ts';
import { codingWork } from '../agents/coding/workspaces/testing/coding-output.ts';
import { makeRepo } from '../agents/coding/workspaces/testing/temp-repo.ts';
import { createApp } from '../app/create-app.ts';

const root = join(import.meta.dirname, '..', '..');
const TOKEN = 'ghp_cli';

/** The CLI as a person runs it (a child process: the scripted servers answer it from this one). */
async function baton(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await promisify(execFile)(
      process.execPath,
      [join(root, 'src-main', 'cli', 'baton.ts'), ...args],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...process.env, ...env },
      },
    );
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let remote: GitRemote | undefined;
let gh: GitHubServer | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await remote?.close();
  await gh?.stop();
  remote = gh = undefined;
  for (const c of cleanups.splice(0)) c();
});

describe('baton land', () => {
  it('opens a pull request of a completed run whose plan lands nothing, titled and as a draft, headless', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-cli-land-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const repo = makeRepo();
    cleanups.push(repo.cleanup);
    remote = await startGitRemote({ auth: { user: 'x-access-token', password: TOKEN } });
    const r = remote;
    gh = await startGitHubServer({
      repo: 'acme/app',
      tokens: { [TOKEN]: 'write' },
      branchTip: (b) => r.tip(b),
    });
    const exec = controlledExecutor();
    const app = createApp({ dataDir: dir, executors: { echo: exec.executor }, log: () => {} });
    await call(app, 'workspaces.add', {
      id: 'app',
      path: repo.repo,
      remote: {
        url: remote.url,
        forge: { kind: 'github', api_url: gh.url, repo: 'acme/app', token_secret: 'github.token' },
      },
    });
    const run = await setup(app, [{ id: 'e', skills: ['x'] }], {
      plan_id: 'health',
      workspace: 'app',
      tasks: [task('api', { description: 'Add the /health endpoint' })],
    });
    await eventually(() => exec.running.has('api'));
    const out = codingWork(repo, `baton/${run}/api`, 'main', { 'health.ts': 'export const ok = true;\n' });
    exec.running.get('api')!.finish(out);
    await app.engine.whenSettled(run);
    await app.close();

    const usage = await baton(['land', run, '--title', 'x', '--data-dir', dir]);
    expect(usage).toMatchObject({ code: 2 });
    expect(usage.stderr).toContain('--base, --title and --draft are for a pull request: add --pr');

    const env = { BATON_SECRET_GITHUB_TOKEN: TOKEN };
    const landed = await baton(
      ['land', run, '--pr', '--title', 'Health endpoint', '--draft', '--as', 'ana', '--data-dir', dir],
      env,
    );
    expect(landed.stderr).toBe('');
    expect(landed.stdout).toBe(`api: in review on GitHub, pull request #1 ${gh.url}/acme/app/pull/1\n`);
    expect(landed.code).toBe(0);
    expect(gh.pulls.get(1)).toMatchObject({
      title: 'Health endpoint',
      draft: true,
      head: `baton/${run}/api`,
    });
    expect(await remote.tip(`baton/${run}/api`)).toBe(out.commit);
  });
});
