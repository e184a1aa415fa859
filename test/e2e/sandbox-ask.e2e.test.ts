import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localServers } from '../../src-main/agents/testing/local-server.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { Servers } from '../coding-agents/baton-kit.ts';
import {
  codingAgent,
  installed,
  openBaton,
  startServers,
  waitFor,
  writeTurn,
} from '../coding-agents/baton-kit.ts';
import { CLIS } from '../coding-agents/clis.ts';
import { call } from '../kit/engine-kit.ts';
import { chromiumFound, removeDataDir, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';

/**
 * The network policy `ask` in the inbox, with a real coding attempt in the real sandbox: Qwen
 * Code (test/coding-agents) against a scripted model server writes a file, then runs curl to a
 * local server its agent's sandbox does not list (`unlisted: "ask"`). The connection is refused;
 * the inbox asks whether to allow the host for workspace "app", and Allow remembers it. The
 * diff review of the attempt says what the sandbox blocked.
 */
describe.skipIf(skipE2e || !installed || process.platform !== 'linux')(
  'a host the sandbox asks about',
  () => {
    let baton: ReturnType<typeof openBaton>;
    let servers: Servers;
    let inbox: InboxPage | undefined;
    let page: Page;
    let host = '';
    const local = localServers();

    beforeAll(async () => {
      if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
      servers = await startServers();
      const registry = await local((_req, res) => {
        res.end('packages');
      });
      host = registry.url.replace('http://', '');
      baton = openBaton();
      const { app, repo } = baton;
      writeFileSync(join(repo.repo, 'README.md'), '# app\n');
      repo.commitAll('a readme');
      servers.script('qwen', [
        {
          name: 'fetch',
          turns: [
            writeTurn('qwen', 'notes.txt', 'fetched the index\n'),
            CLIS.qwen.shellTurn(`curl -s --max-time 20 ${registry.url}/simple/ || echo refused`),
            { text: 'Tried the package index' },
          ],
        },
      ]);
      await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
      await call(app, 'agents.import', {
        agents: [codingAgent(servers, 'qwen', { sandbox: { network: { unlisted: 'ask' } } })],
      });
      await call(app, 'plans.import', {
        plan: {
          plan_id: 'index',
          workspace: 'app',
          tasks: [
            {
              task_id: 'fetch',
              description: 'Read the package index',
              required_skills: ['qwen'],
              review: 'diff',
            },
          ],
        },
      });
      await call(app, 'runs.start', { plan_id: 'index' });
      let kinds: string[] = [];
      await waitFor(
        () => kinds.includes('diff_review') && kinds.includes('sandbox_host'),
        150_000,
        async () => {
          const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
          kinds = list.map((a) => a.kind);
        },
      );
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

    // Two approvals of fetch wait: its rows in the list, told apart by their kind.
    const rows = () => page.getByRole('listitem', { name: 'Approval for fetch' });
    const hostRow = () => rows().filter({ hasText: 'Sandbox host' });
    const reviewRow = () => rows().filter({ hasText: 'Diff review' });
    /** The approval of fetch of `kind`, shown in full beside the list. */
    const show = async (kind: 'Sandbox host' | 'Diff review') => {
      await rows().filter({ hasText: kind }).getByRole('button').click();
      const shown = page.getByRole('region', { name: 'Approval for fetch' }).filter({ hasText: kind });
      await shown.waitFor();
      return shown;
    };

    it('the diff review says which connection the sandbox blocked', async () => {
      await reviewRow().waitFor();
      const reviewCard = await show('Diff review');
      const blocked = reviewCard.getByRole('list', { name: 'Blocked by the sandbox in attempt 1' });
      await blocked.waitFor();
      expect(await blocked.textContent()).toBe(`1 connection blocked: ${host}`);
      await shoot(page, 'sandbox-blocked-diff-review', async () => blocked.scrollIntoViewIfNeeded());
    });

    it('asks whether to allow the host for the workspace, and Allow remembers it', async () => {
      await hostRow().waitFor();
      const hostCard = await show('Sandbox host');
      expect(await hostCard.getByText(`Allow ${host} for workspace "app"?`).count()).toBe(1);
      expect(await hostCard.textContent()).toContain('of attempt 1');
      await shoot(page, 'sandbox-host-card', async () => hostCard.scrollIntoViewIfNeeded());
      await hostCard.getByRole('button', { name: 'Allow' }).click();
      await expect.poll(() => hostRow().count()).toBe(0);
      // Sent once its undo window is over.
      const decided = async () =>
        (await call<ApprovalView[]>(baton.app, 'approvals.list', { status: 'decided' }))
          .filter((a) => a.kind === 'sandbox_host')
          .map((a) => [a.status, a.actor]);
      await expect.poll(decided).toEqual([['approved', 'Ana']]);
      // The diff review waits on: the host's answer is for the workspace, not for this task.
      expect(await reviewRow().count()).toBe(1);
    });

    it("lists the allowed host where the workspace's sandbox is edited, and removes it", async () => {
      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: 'Workspaces' })
        .click();
      await page.getByRole('button', { name: 'Sandbox of app…' }).click();
      const form = page.getByRole('form', { name: 'Sandbox of workspace app' });
      const allowed = form.getByRole('region', { name: 'Hosts allowed when asked' });
      await allowed.getByText(host, { exact: true }).waitFor();
      expect(await allowed.textContent()).toContain('by Ana');
      await shoot(page, 'sandbox-allowed-hosts', async () => allowed.scrollIntoViewIfNeeded());
      await allowed.getByRole('button', { name: `Remove ${host}` }).click();
      await expect.poll(() => allowed.count()).toBe(0);
      expect(await call(baton.app, 'workspaces.allowedHosts', { workspace_id: 'app' })).toEqual([]);
    });

    it('lists a host allowed for an agent where the agent is edited, and removes it', async () => {
      // An agent's own hosts come from its attempts outside a workspace; one is remembered here.
      baton.app.store.sandboxHosts.allow({
        scope: 'agent:qwen-coder',
        host: 'pypi.org:443',
        allowed_by: 'Bo',
        at: new Date().toISOString(),
        approval_id: null,
      });
      await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
      await page.getByRole('button', { name: 'Edit qwen-coder' }).click();
      const form = page.getByRole('form', { name: 'Edit agent qwen-coder' });
      const allowed = form.getByRole('region', { name: 'Hosts allowed when asked' });
      await allowed.getByText('pypi.org:443', { exact: true }).waitFor();
      expect(await allowed.textContent()).toContain('by Bo');
      await allowed.getByRole('button', { name: 'Remove pypi.org:443' }).click();
      await expect.poll(() => allowed.count()).toBe(0);
      expect(await call(baton.app, 'agents.allowedHosts', { agent_id: 'qwen-coder' })).toEqual([]);
    });
  },
);

/** For a person to look at: 1440 and 1024 wide, light and dark (BATON_SHOTS names the folder). */
async function shoot(page: Page, name: string, show: () => Promise<void>) {
  const looks = process.env.BATON_SHOTS;
  if (!looks) return;
  for (const width of [1440, 1024])
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height: 1000 });
      await page.emulateMedia({ colorScheme: scheme });
      await show();
      await page.screenshot({ path: join(looks, `${name}-${width}-${scheme}.png`) });
    }
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.emulateMedia({ colorScheme: 'light' });
}
