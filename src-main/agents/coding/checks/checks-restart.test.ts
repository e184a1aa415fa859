import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredStep } from '../../../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../../../src-shared/schemas/workspace.ts';
import { call, eventually, setup } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

// Baton stops (as a crash: its store closed under a running attempt) while a coding attempt's
// check runs. The next Baton on the same data directory stops the check the dead one left, and
// runs the checks again on the agent's committed work, without running the agent again.
let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

describe.runIf(process.platform === 'linux')('a restart of Baton during checks', () => {
  it('runs the checks again, not the agent, and the task is done with its work', async () => {
    // The fake CLI and the check's switch live outside the data directory (the sandbox hides it).
    const outside = mkdtempSync(join(tmpdir(), 'baton-checks-restart-'));
    const data = mkdtempSync(join(tmpdir(), 'baton-checks-restart-data-'));
    cleanups.push(() => rmSync(outside, { recursive: true, force: true }));
    cleanups.push(() => rmSync(data, { recursive: true, force: true }));
    const repo = makeRepo({ 'README.md': 'hello\n' });
    cleanups.push(repo.cleanup);
    // codex on the person's own login: each run adds a line to runs.txt in its worktree, and ends well.
    const cli = join(outside, 'codex');
    writeFileSync(
      cli,
      [
        '#!/bin/sh',
        `echo '{"type":"thread.started","thread_id":"t-1"}'`,
        'echo run >> runs.txt',
        `echo '{"type":"item.completed","item":{"id":"i0","type":"agent_message","text":"Wrote runs.txt."}}'`,
        `echo '{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":5}}'`,
        '',
      ].join('\n'),
    );
    chmodSync(cli, 0o755);
    const go = join(outside, 'go');
    const open = () => createApp({ dataDir: data, log: () => {} });
    app = open();
    await call(app, 'workspaces.add', {
      id: 'app',
      path: repo.repo,
      // Hangs until the switch is there.
      checks: [
        {
          name: 'test',
          command: ['sh', '-c', `test -f ${go} && echo ok 1 - fine && exit 0; echo waiting; sleep 300`],
        },
      ],
    });
    const run = await setup(
      app,
      [{ id: 'coder', kind: 'coding', cli: 'codex', executable: cli, skills: ['code'] }],
      {
        plan_id: 'p',
        workspace: 'app',
        tasks: [{ task_id: 't', description: 'code', required_skills: ['code'] }],
      },
    );
    const first = app;
    await eventually(() =>
      first.store.steps.list(run, 't', 1).some((s) => s.kind === 'check' && s.check.status === 'running'),
    );
    // A crash: nothing of this Baton goes on (the check it started is left running).
    void first.close();
    writeFileSync(go, '');
    app = open();
    const again = app;
    await again.engine.whenSettled(run);
    await again.coding.worktreesSettled();
    const task = again.store.runs.task(run, 't')!;
    expect(task.status).toBe('done');
    expect(task.attempt).toBe(2);
    const out = task.output as CodingOutput;
    expect(out.checks?.map((c) => [c.name, c.status, c.tests?.passed])).toEqual([['test', 'passed', 1]]);
    // The agent ran once: its one line is the branch's, and the second attempt gave it no prompt.
    expect(repo.git(['show', `${out.branch}:runs.txt`])).toBe('run');
    const steps = await call<StoredStep[]>(again, 'runs.steps', { run_id: run, task_id: 't' });
    const second = steps.filter((s) => s.attempt === 2);
    expect(second.some((s) => s.kind === 'message')).toBe(false);
    expect(second.filter((s) => s.kind === 'check').map((s) => s.kind === 'check' && s.check.status)).toEqual(
      ['passed'],
    );
  });
});
