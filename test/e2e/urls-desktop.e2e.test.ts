import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_STEP_TIMEOUT_MS, CHROMIUM_ARGS } from './browser-path.ts';
import type { Baton } from './harness.ts';
import { chromiumFound, launchBaton, skipE2e } from './harness.ts';
import { root } from './serve-process.ts';

/**
 * The desktop app loads the built index.html from a file, where another path is another file:
 * its addresses live in the hash. Here the same file is opened in Chromium with a bridge in
 * place of the preload's (`invoke` and `on`, calling a real app over its contract), so the
 * renderer runs as in the desktop window: links, Back and a reload stay in the page.
 */
describe.skipIf(skipE2e)('addresses in the desktop app’s page (file://, in the hash)', () => {
  let baton: Baton;
  let desktop: Browser;
  let page: Page;
  let run: string;
  const index = pathToFileURL(join(root, 'out', 'renderer', 'index.html')).href;

  beforeAll(async () => {
    baton = await launchBaton('urls-desktop', { width: 1440, height: 900 });
    // As Electron's window does, the page may load its module scripts from beside its file.
    desktop = await chromium.launch({
      executablePath: 'path' in chromiumFound ? chromiumFound.path : '',
      args: [...CHROMIUM_ARGS, '--allow-file-access-from-files'],
    });
    page = await desktop.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(BROWSER_STEP_TIMEOUT_MS);
    await baton.rpc('agents.import', { agents: [{ id: 'quick', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'alpha',
        name: 'Alpha',
        tasks: [{ task_id: 'only', description: 'O', required_skills: ['x'] }],
      },
    });
    run = ((await baton.rpc('runs.start', { plan_id: 'alpha' })).value as { run_id: string }).run_id;
    await page.exposeFunction('batonInvoke', (method: string, input: unknown) => baton.rpc(method, input));
    await page.addInitScript(() => {
      const w = window as unknown as {
        baton: unknown;
        batonInvoke: (m: string, i: unknown) => Promise<unknown>;
      };
      w.baton = { invoke: (m: string, i: unknown) => w.batonInvoke(m, i), on: () => () => {} };
    });
  });
  afterAll(async () => {
    await desktop?.close();
    await baton?.close();
  });

  it('opens a deep address in the hash, follows links in the page, and walks back', async () => {
    await page.goto(`${index}#/runs/${run}/tasks/only`);
    await page.getByRole('region', { name: 'Task only details' }).waitFor();
    const agents = page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' });
    expect(await agents.getAttribute('href')).toBe('#/agents');
    await agents.click();
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    expect(page.url()).toBe(`${index}#/agents`);
    await page.goBack();
    await page.getByRole('region', { name: 'Task only details' }).waitFor();
    expect(page.url()).toBe(`${index}#/runs/${run}/tasks/only`);
    await page.reload();
    await page.getByRole('region', { name: 'Task only details' }).waitFor();
    expect(page.url()).toBe(`${index}#/runs/${run}/tasks/only`);
  });
});
