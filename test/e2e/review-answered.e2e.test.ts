import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import type { Servers } from '../coding-agents/baton-kit.ts';
import { codingAgent, installed, openBaton, startServers, waitFor } from '../coding-agents/baton-kit.ts';
import { CLIS } from '../coding-agents/clis.ts';
import { call } from '../kit/engine-kit.ts';
import type { ModelRequest } from '../kit/model-servers/scripted-server.ts';
import { chromiumFound, removeDataDir, shots as SHOTS_ROOT, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';

const SHOTS = process.env.BATON_SHOTS ?? join(SHOTS_ROOT, 'loop');
const QUESTION = 'Why read the port from PORT and not from a config file?';
const ANSWER = 'PORT is what the hosting platform sets; a config file would need deploying with each change.';

/** The request that carries the reviewer's comment (the second attempt, in the same session). */
const afterReview = (req: ModelRequest) =>
  req.tools.length > 0 && req.texts.some((t) => t.includes(QUESTION));

/**
 * The review loop holds: a reviewer asks a question with "Request changes", and the agent (Qwen
 * Code, the real CLI, against a scripted model) answers without changing a file. The run does not
 * fail: the review comes back with the question and the answer beside the same commit, and
 * "Approve that commit" finishes the task with the work the reviewer saw first.
 */
describe.skipIf(skipE2e || !installed)('a request for changes answered without changes', () => {
  let baton: ReturnType<typeof openBaton>;
  let servers: Servers;
  let inbox: InboxPage | undefined;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    mkdirSync(SHOTS, { recursive: true });
    servers = await startServers();
    baton = openBaton();
    const { app, repo } = baton;
    mkdirSync(join(repo.repo, 'src'), { recursive: true });
    writeFileSync(join(repo.repo, 'src/app.js'), 'exports.port = 3000;\n');
    repo.commitAll('an app');
    servers.script('qwen', [
      // Listed first: the second attempt's request holds the reviewer's comment (and the first's text too).
      { name: 'answer', match: afterReview, countFrom: 'first-match', turns: [{ text: ANSWER }] },
      {
        name: 'first',
        turns: [
          CLIS.qwen.shellTurn(
            `printf '%s\\n' 'exports.port = Number(process.env.PORT ?? 3000);' > src/app.js`,
          ),
          { text: 'The server reads its port from PORT.' },
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
          { task_id: 'backend', description: 'Serve on $PORT', required_skills: ['qwen'], review: 'diff' },
        ],
      },
    });
    runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'webapp' })).run_id;
    inbox = await openInbox(app, baton.dir);
    ({ page } = inbox);
  }, 60_000);
  afterAll(async () => {
    await inbox?.close();
    if (runId) await call(baton.app, 'runs.cancel', { run_id: runId }).catch(() => {});
    await baton?.app.close();
    if (baton) await removeDataDir(baton.dir);
    baton?.repo.cleanup();
    await servers?.close();
  });

  it('brings the answer back to the reviewer beside the same commit, and approving it finishes the task', async () => {
    const card = page.getByRole('region', { name: 'Approval for backend' });
    await card.waitFor({ timeout: 150_000 });
    const first = baton.app.store.approvals.forTask(runId, 'backend')[0]!;
    await card.getByLabel('Review comment on backend').fill(QUESTION);
    await card.getByRole('button', { name: 'Request changes' }).click();
    // The agent answers; the review comes back, never a failed run.
    const answered = card.getByRole('note', { name: 'Answered without changes' });
    await answered.waitFor({ timeout: 150_000 });
    expect(await answered.textContent()).toContain(QUESTION);
    expect(await answered.textContent()).toContain(ANSWER);
    expect(baton.app.store.runs.task(runId, 'backend')?.status).toBe('awaiting_approval');
    for (const width of [1440, 1024])
      for (const scheme of ['light', 'dark'] as const) {
        await page.setViewportSize({ width, height: 900 });
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(SHOTS, `07-review-answered-${width}-${scheme}.png`) });
      }
    await page.setViewportSize({ width: 1440, height: 1000 });
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await card.getByRole('button', { name: 'Ask again' }).count()).toBe(1);
    await card.getByRole('button', { name: 'Approve that commit' }).click();
    await waitFor(() => baton.app.store.runs.task(runId, 'backend')?.status === 'done', 30_000);
    const out = baton.app.store.runs.task(runId, 'backend')!.output as CodingOutput;
    const reviewed = execFileSync('git', ['rev-parse', out.branch], {
      cwd: baton.repo.repo,
      encoding: 'utf8',
    }).trim();
    expect(out.commit).toBe(reviewed);
    expect(baton.app.store.approvals.forTask(runId, 'backend').map((a) => a.status)).toEqual([
      'changes_requested',
      'approved',
    ]);
    expect(first.status).toBe('pending');
  });
});
