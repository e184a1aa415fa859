import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, skipE2e } from './harness.ts';

// Plans and agents come in from the browser: a JSON file dropped on the window is imported (an
// agents file as agents), and the toast names what was imported.
describe.skipIf(skipE2e)('importing by dropping a file', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('import-drop', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'scribe', skills: ['write'] }] });
    await page.goto(baton.server.url);
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    // Every toast's text, as it is shown: an info toast goes after 4 s, which a busy machine's
    // polling of the page can miss.
    await page.evaluate(() => {
      const w = window as unknown as { seenToasts: string[] };
      w.seenToasts = [];
      new MutationObserver(() => {
        for (const t of document.querySelectorAll('.toast')) {
          const text = t.textContent ?? '';
          if (!w.seenToasts.includes(text)) w.seenToasts.push(text);
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    });
  });
  const seenToasts = () =>
    page.evaluate(() => (window as unknown as { seenToasts: string[] }).seenToasts.join('\n'));
  afterAll(() => baton?.close());

  /** Drags a file called `name` holding `value` as JSON over the window and drops it on the main area. */
  const drop = async (name: string, value: unknown) => {
    const transfer = await page.evaluateHandle(
      ([n, text]) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], n, { type: 'application/json' }));
        return dt;
      },
      [name, JSON.stringify(value)] as const,
    );
    await page.locator('main').dispatchEvent('dragenter', { dataTransfer: transfer });
    await page.locator('main').dispatchEvent('dragover', { dataTransfer: transfer });
    // While the file is over the window, it says what dropping it does.
    await expect
      .poll(() => page.locator('.file-drop').textContent())
      .toContain('Drop a JSON file to import it');
    await page.locator('main').dispatchEvent('drop', { dataTransfer: transfer });
    await expect.poll(() => page.locator('.file-drop').count()).toBe(0);
  };

  it('imports a dropped plan, opens it and names it in the toast', async () => {
    await drop('digest.json', {
      plan_id: 'digest',
      name: 'Weekly digest',
      tasks: [
        { task_id: 'collect', description: 'Collect', required_skills: ['write'] },
        { task_id: 'send', description: 'Send', required_skills: ['write'], depends_on: ['collect'] },
      ],
    });
    await page.getByRole('heading', { name: 'Weekly digest' }).waitFor();
    await expect.poll(seenToasts).toContain('Imported Weekly digest (digest): a new plan with 2 tasks.');
    const plans = (await baton.rpc('plans.list', {})).value as unknown as { plan_id: string }[];
    expect(plans.map((p) => p.plan_id)).toContain('digest');
  });

  it('imports a dropped agents file as agents, on the Agents screen, naming the new and the updated', async () => {
    await drop('team.json', {
      agents: [
        { id: 'scribe', skills: ['write', 'edit'] },
        { id: 'courier', skills: ['mail'] },
      ],
    });
    await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
    await expect.poll(seenToasts).toContain('Imported 1 new agent: courier; 1 agent updated: scribe.');
    const agents = (await baton.rpc('agents.list', {})).value as unknown as {
      id: string;
      skills: string[];
    }[];
    expect(agents.find((a) => a.id === 'scribe')?.skills).toEqual(['write', 'edit']);
    expect(agents.some((a) => a.id === 'courier')).toBe(true);
  });
});
