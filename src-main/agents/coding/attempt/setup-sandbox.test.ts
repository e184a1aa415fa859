import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredStep } from '../../../../src-shared/schemas/step.ts';
import { call, setup } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

// A workspace's setup command runs in the workspace's sandbox, before the CLI (a script here
// that prints one event and ends).
let app: BatonApp | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const c of cleanups.splice(0)) c();
});

describe.runIf(process.platform === 'linux')("a workspace's setup command", () => {
  it('writes its worktree, not outside it: the refusal is a step before the CLI’s, and nothing outside changed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'baton-setup-sandbox-'));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const repo = makeRepo({ 'README.md': 'hello\n' });
    cleanups.push(repo.cleanup);
    const outside = join(root, 'outside.txt');
    const cli = join(root, 'codex');
    writeFileSync(
      cli,
      `#!/bin/sh\ntest -f installed.txt && echo '{"type":"thread.started","thread_id":"t-1"}'\nexit 1\n`,
    );
    chmodSync(cli, 0o755);
    app = createApp({ dataDir: join(root, 'data'), log: () => {} });
    await call(app, 'workspaces.add', {
      id: 'app',
      path: repo.repo,
      setup_command: ['sh', '-c', `echo ok > installed.txt; echo bad > ${outside}; true`],
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
    await app.engine.whenSettled(run);
    await app.coding.worktreesSettled();
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run, task_id: 't' });
    expect(
      steps.filter((s) => s.kind === 'sandbox').map((s) => [s.seq, s.kind === 'sandbox' && s.text]),
    ).toEqual([[1, `sandbox: write outside the folder refused: ${outside}`]]);
    // The CLI found what the setup command wrote in its worktree, and its steps come after.
    expect(steps.find((s) => s.kind === 'session')).toMatchObject({ session_id: 't-1' });
    expect(Math.min(...steps.filter((s) => s.kind !== 'sandbox' && s.seq > 0).map((s) => s.seq))).toBe(2);
    expect(existsSync(outside)).toBe(false);
  });
});
