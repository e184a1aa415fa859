import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { running, sleepTags } from '../../src-main/processes/testing/processes.ts';
import type { Landing } from '../../src-shared/schemas/landing.ts';
import type { GitRemote } from '../kit/git-remote.ts';
import { launchChromium } from './browser-path.ts';
import { type ForgeWorld, openForgeWorld, qwenBuilder } from './forge-world.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, shots, skipE2e } from './harness.ts';

/** Screenshots go with the others: test-results, or BATON_SHOTS_DIR. */
const SHOTS = process.env.BATON_SHOTS_DIR ?? shots;
const TOKEN = 'ghp_rebase_e2e';
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
 * A run whose pull request's base moves with a conflicting commit, as a person meets it: the Runs
 * screen says its work is rebasing on main, the run's panel says which files and links the
 * conflict round (its agent, a fake qwen, at work in the merged worktree).
 */
describe.skipIf(skipE2e)(
  "a pull request rebased on its moved base, on the Runs screen and the run's panel",
  () => {
    let w: ForgeWorld;
    let app: BatonApp;
    let browser: Browser;
    let page: Page;
    let rpc: Rpc;
    let remote: GitRemote;
    let runId: string;
    const tag = tags.next();

    const landing = async () =>
      ((await rpc('runs.landings', { run_id: runId })).value as unknown as Landing[])[0];
    const agent = (mode: string) => qwenBuilder(w, mode, tag);

    beforeAll(async () => {
      if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
      mkdirSync(SHOTS, { recursive: true });
      w = await openForgeWorld({
        prefix: 'pr-rebase-e2e',
        token: TOKEN,
        mainOnRemote: true,
        github: (r) => ({ mergeability: (base, head) => r.mergeability(base, head) }),
      });
      ({ app, rpc, remote } = w);
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
      // main moves with a file of the same name: the conflict round works (its fake CLI waits) while the page looks.
      await rpc('agents.import', { agents: [agent('hang')] });
      await remote.commitAs('main', 'work-1.txt', 'theirs\n');
      await app.landing.tick();
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
          await page.screenshot({
            path: join(SHOTS, `pr-rebase-${name}-${width}-${scheme}.png`),
            fullPage: true,
          });
        }
      }
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.emulateMedia({ colorScheme: 'light' });
    };

    it('says the work is rebasing on main, why, and links the conflict round', async () => {
      await page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: 'Runs', exact: true })
        .click();
      const row = page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: runId });
      await expect.poll(() => row.getByRole('cell').first().textContent()).toBe('completed rebasing on main');
      await page.getByRole('link', { name: `Open run ${runId} of Webapp` }).click();
      const region = page.getByRole('region', { name: 'Landing of the run' });
      const fixRun = (await landing())!.fix!.run_id!;
      await expect
        .poll(() => region.getByRole('status', { name: "Where the run's work stands" }).textContent())
        .toBe(
          `Rebasing on main: fix round 1: main moved and conflicts in work-1.txt; its agent works on it in run ${fixRun}`,
        );
      await region.getByRole('link', { name: `Open fix run ${fixRun}` }).waitFor();
      expect(await region.getByRole('note', { name: 'Landing of api' }).textContent()).toContain(
        'Rebasing Pull request #1 · fix round 1: main moved and conflicts in work-1.txt',
      );
      await shoot('run-panel-rebasing');
      await rpc('runs.cancel', { run_id: fixRun });
      await expect.poll(() => running(tag).length).toBe(0);
      await expect.poll(async () => (await landing())?.state).toBe('open');
    });
  },
);
