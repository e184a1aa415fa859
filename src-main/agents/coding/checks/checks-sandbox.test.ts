import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredStep } from '../../../../src-shared/schemas/step.ts';
import { call, setup } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { sandboxStatus } from '../../../sandbox/index.ts';
import { localServer } from '../../testing/local-server.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

// A workspace's checks run what the agent wrote: here its test script, which reaches a server on
// 127.0.0.1 that the workspace's sandbox lists and the agent's does not. The check runs within
// both sandboxes, so the connection is refused, and the refusal is a step of the attempt. The
// setup command runs under the workspace's sandbox on the base branch alone, and within the
// agent's too on a tree holding a dependency's work. An agent that lists the server itself has
// its check reach it.
let app: BatonApp | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) await c();
});

const available = process.platform === 'linux' && (await sandboxStatus()).available;

/** codex on the person's own login: it writes `test.sh` (reaching `url`) and a line to runs.txt, and ends well. */
function fakeCodex(dir: string, url: string): string {
  const cli = join(dir, 'codex');
  writeFileSync(
    cli,
    [
      '#!/bin/sh',
      `echo '{"type":"thread.started","thread_id":"t-1"}'`,
      `printf '%s\\n' 'curl -s -m 20 -o /dev/null ${url}/from-the-check' 'exit 0' > test.sh`,
      'echo run >> runs.txt',
      `echo '{"type":"item.completed","item":{"id":"i0","type":"agent_message","text":"Wrote test.sh."}}'`,
      `echo '{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":5}}'`,
      '',
    ].join('\n'),
  );
  chmodSync(cli, 0o755);
  return cli;
}

const refusals = (steps: StoredStep[]) =>
  steps.flatMap((s) => (s.kind === 'sandbox' ? [[s.process, s.blocked, s.target]] : [])).sort();

describe.runIf(available)("a workspace's checks and setup on an agent's work", () => {
  it("reach no host the agent's sandbox refuses, though the workspace's lists it: refused, and said", async () => {
    const outside = mkdtempSync(join(tmpdir(), 'baton-checks-sandbox-'));
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    const repo = makeRepo({ 'README.md': 'hello\n' });
    cleanups.push(repo.cleanup);
    const server = await localServer((_req, res) => {
      res.end('reached');
    });
    cleanups.push(server.close);
    const host = server.url.replace('http://', '');
    const cli = fakeCodex(outside, server.url);
    app = createApp({ dataDir: join(outside, 'data'), log: () => {} });
    await call(app, 'workspaces.add', {
      id: 'app',
      path: repo.repo,
      sandbox: { network: { allow: [host] } },
      setup_command: ['sh', '-c', `curl -s -m 20 -o /dev/null ${server.url}/setup; true`],
      checks: [{ name: 'test', command: ['sh', 'test.sh'] }],
    });
    const run = await setup(
      app,
      // Its own sandbox lists no host (the default).
      [{ id: 'coder', kind: 'coding', cli: 'codex', executable: cli, skills: ['code'] }],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [
          { task_id: 'first', description: 'write the tests', required_skills: ['code'] },
          { task_id: 'then', description: 'more', required_skills: ['code'], depends_on: ['first'] },
        ],
      },
    );
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    expect(app.store.runs.task(run, 'first')?.status).toBe('done');
    expect(app.store.runs.task(run, 'then')?.status).toBe('done');
    // Only the first task's setup, on the base branch alone, reached the server.
    expect(server.requests.map((r) => r.url)).toEqual(['/setup']);
    const first = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 'first' });
    expect(refusals(first)).toEqual([['check test', 'network', host]]);
    // The second starts from the first's branch: its setup runs the agent's work too.
    const then = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 'then' });
    expect(refusals(then)).toEqual([
      ['check test', 'network', host],
      ['setup', 'network', host],
    ]);
    const logs = (await call<{ text: string }[]>(app, 'runs.taskLogs', { run_id: run, task_id: 'then' })).map(
      (l) => l.text,
    );
    expect(logs).toContain(
      `setup: the worktree holds an agent's work, so the setup command runs within agent "coder"'s sandbox too: it reaches only no host`,
    );
    expect(logs).toContain(
      `the checks run the agent's work, so within agent "coder"'s sandbox too: it reaches only no host`,
    );
  });

  it('reach a host both sandboxes list', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'baton-checks-sandbox-'));
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    const repo = makeRepo({ 'README.md': 'hello\n' });
    cleanups.push(repo.cleanup);
    const server = await localServer((_req, res) => {
      res.end('reached');
    });
    cleanups.push(server.close);
    const host = server.url.replace('http://', '');
    const cli = fakeCodex(outside, server.url);
    app = createApp({ dataDir: join(outside, 'data'), log: () => {} });
    await call(app, 'workspaces.add', {
      id: 'app',
      path: repo.repo,
      sandbox: { network: { allow: [host, 'registry.npmjs.org'] } },
      checks: [{ name: 'test', command: ['sh', 'test.sh'] }],
    });
    const run = await setup(
      app,
      [
        {
          id: 'coder',
          kind: 'coding',
          cli: 'codex',
          executable: cli,
          skills: ['code'],
          sandbox: { network: { allow: [host] } },
        },
      ],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'write the tests', required_skills: ['code'] }],
      },
    );
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    expect(app.store.runs.task(run, 't')?.status).toBe('done');
    expect(server.requests.map((r) => r.url)).toEqual(['/from-the-check']);
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 't' });
    expect(refusals(steps)).toEqual([]);
    const logs = await call<{ text: string }[]>(app, 'runs.taskLogs', { run_id: run, task_id: 't' });
    expect(logs.map((l) => l.text)).toContain(
      `the checks run the agent's work, so within agent "coder"'s sandbox too: it reaches only ${host}`,
    );
  });
});
