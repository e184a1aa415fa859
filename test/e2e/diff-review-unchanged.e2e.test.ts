import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Servers } from '../coding-agents/baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, waitFor } from '../coding-agents/baton-kit.ts';
import { CLIS } from '../coding-agents/clis.ts';
import { call } from '../kit/engine-kit.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';
import { expectReadableAtWidths } from './readability.ts';

const CLAIM = 'Done: the server now reads its port from $PORT.';
const SAID = `the attempt changed nothing: no file differs from where the task's branch started, so there is no diff to review (1 of 1 tool call failed); the agent said: "${CLAIM}"`;

/**
 * A coding attempt that changed nothing, on a task whose diff a person reviews: Qwen Code (the
 * real CLI, test/coding-agents) against a scripted model server runs one command, which fails
 * (the file it edits is not there), then claims success. Nobody is asked to review an empty
 * diff: the attempt fails saying it changed nothing, that its only tool call failed, and what
 * the agent claimed, on the task's panel and in its history.
 */
describe.skipIf(skipE2e || !installed)('a reviewed coding attempt that changed nothing', () => {
  let baton: ReturnType<typeof openBaton>;
  let servers: Servers;
  let inbox: InboxPage | undefined;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    servers = await startServers();
    baton = openBaton();
    const { app, repo } = baton;
    mkdirSync(join(repo.repo, 'src'), { recursive: true });
    writeFileSync(join(repo.repo, 'src/app.ts'), 'export const port = 3000;\n');
    repo.commitAll('an app');
    servers.script('qwen', [
      {
        name: 'backend',
        turns: [
          // The wrong file: sed fails, nothing is written.
          CLIS.qwen.shellTurn("sed -i 's/3000/Number(process.env.PORT)/' src/server.ts"),
          { text: CLAIM },
        ],
      },
    ]);
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', { agents: [codingAgent(servers, 'qwen')] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'webapp',
        workspace: 'app',
        tasks: [
          {
            task_id: 'backend',
            description: 'Serve on $PORT',
            required_skills: ['qwen'],
            review: 'diff',
          },
        ],
      },
    });
    runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'webapp' })).run_id;
    await waitFor(() => app.store.runs.task(runId, 'backend')?.status === 'failed', 150_000);
    inbox = await openInbox(app, baton.dir);
    ({ page } = inbox);
  }, 180_000);
  afterAll(async () => {
    await inbox?.close();
    await baton?.app.close();
    if (baton) await removeDataDir(baton.dir);
    baton?.repo.cleanup();
    await servers?.close();
  });

  it('asks nobody to review an empty diff', async () => {
    await page.getByText('Nothing waits for a decision.', { exact: false }).first().waitFor();
    expect(await page.getByRole('listitem', { name: 'Approval for backend' }).count()).toBe(0);
    expect(baton.app.store.approvals.forTask(runId, 'backend')).toEqual([]);
  });

  it('says on the task panel and in its history that it changed nothing, its failed tool call and the agent’s claim', async () => {
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^webapp/ })
      .click();
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task backend/ })
      .click();
    const panel = page.getByRole('region', { name: 'Task backend details' });
    const error = panel.getByRole('note', { name: 'Error' });
    await expect.poll(() => error.textContent()).toBe(SAID);
    await expectReadableAtWidths(page, 'task-changed-nothing', shots);
    await panel.getByRole('tab', { name: 'History' }).click();
    const history = panel.getByRole('list', { name: 'History of backend' });
    await expect.poll(() => history.textContent()).toContain(SAID);
  });
});
