import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { running, sleepTags } from '../../src-main/processes/testing/processes.ts';
import type { Landing } from '../../src-shared/schemas/landing.ts';
import type { GitHubServer } from '../kit/forge/github.ts';
import { launchChromium } from './browser-path.ts';
import { type ForgeWorld, openForgeWorld, qwenBuilder } from './forge-world.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, shots as SHOTS_ROOT, skipE2e } from './harness.ts';

const SHOTS = join(SHOTS_ROOT, 'pr-loops');
const TOKEN = 'ghp_loop_e2e';
const tags = sleepTags();

/** Polls until `test` holds (the hooks' expect.poll): a bound for a hung test, no timing asserted. */
async function until(test: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    if (await test()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`waited in vain for ${test.toString()}`);
}

/**
 * A run whose pull request's CI fails, as a person meets it: the Runs screen says its work is
 * being fixed for GitHub, the run's panel says why and links the fix run (its agent, a fake qwen,
 * at work); the fix cancelled, it is in review again; the pull request closed unmerged, its work
 * is not landed, said on the Runs screen and the run's panel.
 */
describe.skipIf(skipE2e)("a pull request's fix round on the Runs screen and the run's panel", () => {
  let w: ForgeWorld;
  let app: BatonApp;
  let browser: Browser;
  let page: Page;
  let rpc: Rpc;
  let gh: GitHubServer;
  let runId: string;
  const tag = tags.next();

  const landing = async () =>
    ((await rpc('runs.landings', { run_id: runId })).value as unknown as Landing[])[0];
  const agent = (mode: string) => qwenBuilder(w, mode, tag);

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    mkdirSync(SHOTS, { recursive: true });
    w = await openForgeWorld({ prefix: 'pr-loop-e2e', token: TOKEN });
    ({ app, rpc, gh } = w);
    await rpc('agents.import', { agents: [agent('done')] });
    await rpc('plans.import', {
      plan: {
        plan_id: 'webapp',
        name: 'Webapp',
        workspace: 'webapp',
        land: 'pull_request',
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
    await until(async () => (await landing())?.state === 'open');
    // CI fails; the agent's fix round works (its fake CLI waits) while the page looks.
    await rpc('agents.import', { agents: [agent('hang')] });
    gh.setChecks((await landing())!.commit, [{ name: 'test', conclusion: 'failure', text: 'expected 200' }]);
    await app.landing.tick();
    await until(async () => ((await landing())?.fix?.run_id ?? null) !== null);
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

  it('says the work is being fixed for GitHub, links the fix run, and is in review again once the fix is cancelled', async () => {
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Runs', exact: true })
      .click();
    const row = page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: runId });
    await expect.poll(() => row.getByRole('cell').first().textContent()).toBe('completed fixing for GitHub');
    // The fix run is a run of its own, started by the pull request.
    const fixRow = page
      .getByRole('table', { name: 'Runs' })
      .getByRole('row')
      .filter({ hasText: (await landing())!.fix!.run_id! });
    expect(await fixRow.textContent()).toContain('GitHub fix round');
    await page.getByRole('link', { name: `Open run ${runId} of Webapp` }).click();
    const region = page.getByRole('region', { name: 'Landing of the run' });
    const fixRun = (await landing())!.fix!.run_id!;
    await expect
      .poll(() => region.getByRole('status', { name: "Where the run's work stands" }).textContent())
      .toBe(`Fixing for GitHub: fix round 1: the check test failed; its agent works on it in run ${fixRun}`);
    const link = region.getByRole('link', { name: `Open fix run ${fixRun}` });
    await link.waitFor();
    expect(await region.getByRole('note', { name: 'Landing of api' }).textContent()).toContain(
      'Fixing Pull request #1 · fix round 1: the check test failed',
    );
    await shoot('run-panel-fixing');

    // The fix run cancelled: the round is over, said, and the pull request is in review again.
    await rpc('runs.cancel', { run_id: fixRun });
    await expect.poll(() => running(tag).length).toBe(0);
    await expect.poll(async () => (await landing())?.state).toBe('open');
    await expect
      .poll(() => region.getByRole('status', { name: "Where the run's work stands" }).textContent())
      .toBe('In review on GitHub: pull request #1');
  });

  it('says its work is not landed once the pull request is closed unmerged', async () => {
    gh.close(1);
    await app.landing.tick();
    const region = page.getByRole('region', { name: 'Landing of the run' });
    await expect
      .poll(() => region.getByRole('status', { name: "Where the run's work stands" }).textContent())
      .toBe('Not landed: pull request #1 was closed without being merged');
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: 'Runs', exact: true })
      .click();
    const row = page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: runId });
    await expect.poll(() => row.getByRole('cell').first().textContent()).toBe('completed not landed');
    await shoot('runs-not-landed');
  });
});
