import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import { call, eventually, setup, task } from '../../../../test/kit/engine-kit.ts';
import type { GitHubServer } from '../../../../test/kit/forge/github.ts';
import { LandingWorlds } from '../../../../test/kit/landing-world.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { codingWork } from '../workspaces/testing/coding-output.ts';

// Landings that meet another landing of the same branch, or a forge that refuses part of what it
// is asked once the pull request exists: the pull request GitHub has is the one the landing
// records and follows. A proxy in front of the scripted GitHub holds, doubles or answers calls.
const worlds = new LandingWorlds();
afterEach(() => worlds.close());

/** What the proxy does with a call before (or instead of) passing it on to GitHub. */
type Step = (method: string, url: string, forward: () => Promise<Answer>) => Promise<Answer | null>;
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

async function proxy(target: string, step: Step): Promise<string> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const forward = async (): Promise<Answer> => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers))
          if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers[k] = v;
        const r = await fetch(target + req.url, {
          method: req.method ?? 'GET',
          headers,
          ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
        });
        const out: Record<string, string> = {};
        r.headers.forEach((v, k) => {
          if (!['content-length', 'content-encoding', 'transfer-encoding'].includes(k)) out[k] = v;
        });
        return { status: r.status, headers: out, body: Buffer.from(await r.arrayBuffer()) };
      };
      const a = (await step(req.method ?? 'GET', req.url ?? '/', forward)) ?? (await forward());
      res.writeHead(a.status, a.headers);
      res.end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  worlds.later(() => server.close());
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A run of one coding task, done on its branch, whose workspace's forge is GitHub behind `step`'s proxy. */
async function world(plan: Record<string, unknown>, step: Step) {
  const { app, gh, exec, repo } = await worlds.open({
    prefix: 'landing-races',
    apiUrl: (url) => proxy(url, step),
  });
  const run = await setup(app, [{ id: 'e', skills: ['x'] }], {
    plan_id: 'health',
    workspace: 'app',
    ...plan,
    tasks: [task('api', { description: 'Add the /health endpoint' })],
  });
  await eventually(() => exec.running.has('api'));
  exec.running.get('api')!.finish(codingWork(repo, `baton/${run}/api`, 'main', { 'health.ts': 'ok\n' }));
  await app.engine.whenSettled(run);
  return { app, gh, run };
}

const landings = (a: BatonApp, run: string) => call<Landing[]>(a, 'runs.landings', { run_id: run });
const opened = (g: GitHubServer) =>
  g.requests.filter((q) => q.method === 'POST' && q.path.endsWith('/pulls'));
const pass: Step = async () => null;

describe('landings that meet another landing of the same branch', () => {
  it('lands the whole run only once a landing of its task, opening the pull request, is over: one pull request, followed', async () => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let held = false;
    const w = await world({}, async (method, url) => {
      if (method === 'POST' && url.endsWith('/pulls') && !held) {
        held = true;
        await released;
      }
      return null;
    });
    const byTask = call<Landing[]>(w.app, 'runs.land', {
      run_id: w.run,
      task_id: 'api',
      how: 'pull_request',
    });
    await eventually(() => held);
    // A second click, on the run this time, while the first is at GitHub.
    const byRun = call<Landing[]>(w.app, 'runs.land', { run_id: w.run, how: 'pull_request' });
    await eventually(async () => (await landings(w.app, w.run))[0]?.state === 'pushed');
    expect(opened(w.gh)).toHaveLength(0);
    release();
    await byTask;
    expect((await byRun)[0]).toMatchObject({ state: 'open', pr_number: 1 });
    expect(opened(w.gh).map((q) => q.status)).toEqual([201]);
    w.gh.merge(1, 'c'.repeat(40));
    await w.app.landing.tick();
    expect((await landings(w.app, w.run))[0]).toMatchObject({ state: 'merged', pr_number: 1 });
  });

  it('takes up the pull request another process opened from the branch between its look and its own open', async () => {
    let raced = false;
    const w = await world({}, async (method, url, forward) => {
      if (method !== 'POST' || !url.endsWith('/pulls') || raced) return null;
      raced = true;
      // The other process's open lands first; this one's is then refused (422, one exists).
      await forward();
      return forward();
    });
    const [l] = await call<Landing[]>(w.app, 'runs.land', { run_id: w.run, how: 'pull_request' });
    expect(opened(w.gh).map((q) => q.status)).toEqual([201, 422]);
    expect(l).toMatchObject({ state: 'open', pr_number: 1 });
    w.gh.merge(1, 'c'.repeat(40));
    await w.app.landing.tick();
    expect((await landings(w.app, w.run))[0]).toMatchObject({ state: 'merged', pr_number: 1 });
  });
});

describe('a forge refusing part of what is asked once the pull request exists', () => {
  it('keeps the pull request GitHub opened when it refuses a reviewer, and says so', async () => {
    const refusal = {
      message:
        'Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the acme/app repository.',
      documentation_url:
        'https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request',
      status: '422',
    };
    const w = await world(
      { land: 'pull_request', pull_request: { reviewers: ['outsider'], labels: ['baton'] } },
      async (method, url) =>
        method === 'POST' && url.includes('/requested_reviewers')
          ? {
              status: 422,
              headers: { 'content-type': 'application/json' },
              body: Buffer.from(JSON.stringify(refusal)),
            }
          : null,
    );
    await eventually(async () => (await landings(w.app, w.run))[0]?.state === 'open');
    const [l] = await landings(w.app, w.run);
    expect(l).toMatchObject({ pr_number: 1 });
    expect(l!.message).toContain('opened pull request #1');
    expect(l!.message).toContain(
      'Asking outsider to review pull request #1: GitHub answered 422 (Reviews may only',
    );
    // The labels, asked before, were put on.
    expect(w.gh.pulls.get(1)?.labels).toEqual(['baton']);
    w.gh.merge(1, 'c'.repeat(40));
    await w.app.landing.tick();
    expect((await landings(w.app, w.run))[0]).toMatchObject({ state: 'merged', pr_number: 1 });
  });

  it('opens as before when nothing is refused', async () => {
    const w = await world({ land: 'pull_request', pull_request: { reviewers: ['alice'] } }, pass);
    await eventually(async () => (await landings(w.app, w.run))[0]?.state === 'open');
    const [l] = await landings(w.app, w.run);
    expect(l!.message).toMatch(/^opened pull request #1: http:\/\/127\.0\.0\.1:\d+\/acme\/app\/pull\/1$/);
  });
});
