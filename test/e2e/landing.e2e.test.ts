import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { GitHubServer } from '../kit/forge/github.ts';
import { launchChromium } from './browser-path.ts';
import { type ForgeWorld, openForgeWorld, qwenBuilder } from './forge-world.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, shots as SHOTS_ROOT, skipE2e } from './harness.ts';

/** Where the screenshots of this test go, to be looked at. */
const SHOTS = join(SHOTS_ROOT, 'forge');
const TOKEN = 'ghp_e2e';

interface Landing {
  state: string;
  pr_number: number | null;
  pr_url: string | null;
}

/**
 * A run whose plan lands as a pull request, as a person meets it: a real coding attempt (a fake
 * qwen in a real repository) completes, Baton pushes its branch to a real git remote over HTTP
 * and opens a pull request on a scripted GitHub through @octokit/rest; the Runs screen, the run's
 * panel and the task's panel link to it, and show it merged once GitHub says so.
 */
describe.skipIf(skipE2e)('a landed run on the Runs screen and the task panel', () => {
  let w: ForgeWorld;
  let app: BatonApp;
  let browser: Browser;
  let page: Page;
  let rpc: Rpc;
  let gh: GitHubServer;
  let runId: string;

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    mkdirSync(SHOTS, { recursive: true });
    w = await openForgeWorld({ prefix: 'landing-e2e', token: TOKEN });
    ({ app, rpc, gh } = w);
    await rpc('agents.import', { agents: [qwenBuilder(w, 'done')] });
    await rpc('plans.import', {
      plan: {
        plan_id: 'webapp',
        name: 'Webapp',
        goal: 'Serve a health check',
        workspace: 'webapp',
        land: 'pull_request',
        pull_request: { labels: ['baton'] },
        tasks: [
          {
            task_id: 'api',
            description: 'Add the health endpoint',
            required_skills: ['builder'],
            review: 'none',
          },
        ],
      },
    });
    runId = ((await rpc('runs.start', { plan_id: 'webapp' })).value as { run_id: string }).run_id;
    await app.engine.whenSettled(runId);
    // Landing runs in the background once the run completes: wait for its pull request.
    for (let i = 0; i < 600; i++) {
      const [l] = (await rpc('runs.landings', { run_id: runId })).value as unknown as Landing[];
      if (l && l.state !== 'pending' && l.state !== 'pushed') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(w.host.openUrl);
  });
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  const shoot = async (name: string) => {
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme });
        await page.screenshot({ path: join(SHOTS, `${name}-${width}-${scheme}.png`), fullPage: true });
      }
    }
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: 'light' });
  };

  it('links the pull request from the Runs screen, and shows it merged once GitHub merges it', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Runs', exact: true })
      .click();
    const note = page
      .getByRole('table', { name: 'Runs' })
      .getByRole('note', { name: `Landing of api of run ${runId}` });
    const link = note.getByRole('link', { name: 'Pull request #1' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(`${gh.url}/acme/webapp/pull/1`);
    expect(await note.textContent()).toContain('In review');
    // The run's own status stays completed; beside it, where its work stands with GitHub.
    const row = page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: runId });
    expect(await row.getByRole('cell').first().textContent()).toBe('completed in review on GitHub');
    expect(gh.pulls.get(1)).toMatchObject({ title: 'Add the health endpoint (Webapp)', labels: ['baton'] });
    await shoot('runs-landed-open');
    gh.merge(1, 'd'.repeat(40));
    await app.landing.tick();
    await expect.poll(() => note.textContent()).toContain('Merged');
    await expect.poll(() => row.getByRole('cell').first().textContent()).toBe('completed landed');
  });

  it("shows the landing on the run's panel and the task's panel, with the merge commit", async () => {
    await page.getByRole('link', { name: `Open run ${runId} of Webapp` }).click();
    const runLanding = page.getByRole('region', { name: 'Landing of the run' });
    await runLanding.waitFor();
    expect(await runLanding.getByRole('status', { name: "Where the run's work stands" }).textContent()).toBe(
      'Landed: pull request #1 merged',
    );
    expect(await runLanding.getByRole('link', { name: 'Pull request #1' }).getAttribute('href')).toBe(
      `${gh.url}/acme/webapp/pull/1`,
    );
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task api/ })
      .click();
    const panel = page.getByRole('region', { name: 'Task api details' });
    const note = panel.getByRole('note', { name: 'Landing of api' });
    await expect.poll(() => note.textContent()).toContain('merge commit dddddddddd');
    expect(await panel.getByRole('status', { name: "Where the task's work stands" }).textContent()).toBe(
      'Its work: landed',
    );
    expect(await note.getByRole('link', { name: 'Pull request #1' }).getAttribute('href')).toBe(
      `${gh.url}/acme/webapp/pull/1`,
    );
    await shoot('task-panel-landed');
  });
});
