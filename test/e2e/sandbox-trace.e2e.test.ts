import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { serveApp } from './app-host.ts';
import { launchChromium } from './browser-path.ts';
import type { Rpc } from './harness.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';

/**
 * What the OS sandbox refused a command agent, in its task's step trace: the agent (a real
 * program in the real sandbox) writes its own file, then one outside its folder; the task is done
 * and its trace shows the refused write.
 */
describe.skipIf(skipE2e || process.platform !== 'linux')("the sandbox's refusals in the trace", () => {
  let dir: string;
  let outsideDir: string;
  let app: BatonApp;
  let host: BrowserHost;
  let browser: Browser;
  let page: Page;
  let rpc: Rpc;

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dir = mkdtempSync(join(tmpdir(), 'baton-sandbox-e2e-'));
    outsideDir = mkdtempSync(join(tmpdir(), 'baton-sandbox-outside-'));
    ({ app, host, rpc } = await serveApp(dir));
    await rpc('agents.import', {
      agents: [
        {
          id: 'builder',
          kind: 'command',
          skills: ['build'],
          command: 'sh',
          args: [
            '-c',
            `echo built > out.txt; echo stray > ${join(outsideDir, 'stray.txt')}; echo '::result {"ok":true}'`,
          ],
        },
      ],
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'boxed',
        tasks: [{ task_id: 'build', description: 'Build it', required_skills: ['build'] }],
      },
    });
    await rpc('runs.start', { plan_id: 'boxed' });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(host.openUrl);
    await page
      .getByRole('list', { name: 'Plans' })
      .getByRole('link', { name: /^boxed/ })
      .click();
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task build/ })
      .click();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await app?.close();
    await removeDataDir(dir);
    rmSync(outsideDir, { recursive: true, force: true });
  });

  it('shows the refused write as a step, with the process; nothing was written outside', async () => {
    const trace = page.getByRole('region', { name: 'Steps of build' });
    const list = trace.getByRole('list', { name: 'Steps, attempt 1' });
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    const stray = join(outsideDir, 'stray.txt');
    expect(await list.getByRole('listitem').textContent()).toContain(
      `Blocked sandbox: write outside the folder refused: ${stray} (command)`,
    );
    expect(existsSync(stray)).toBe(false);
    // The step totals count what the sandbox blocked.
    await expect.poll(() => trace.getByLabel('Step totals').textContent()).toContain(' · 1 blocked');
    await page.screenshot({ path: join(shots, 'sandbox-trace-1440.png') });
    // For a person to look at: 1440 and 1024 wide, light and dark.
    const looks = process.env.BATON_SHOTS;
    if (looks)
      for (const width of [1440, 1024])
        for (const scheme of ['light', 'dark'] as const) {
          await page.setViewportSize({ width, height: 900 });
          await page.emulateMedia({ colorScheme: scheme });
          await page.screenshot({ path: join(looks, `sandbox-trace-${width}-${scheme}.png`) });
        }
  });
});
