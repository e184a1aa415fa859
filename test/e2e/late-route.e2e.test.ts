import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, skipE2e } from './harness.ts';

// A reload at the designer's address whose plan loads slowly, and the plan clicked meanwhile: the
// person stays on the plan's page. Before, the designer opened over it once the load ended (seen as
// narrow-forms-graphs.e2e failing beside two busy loops). A run's address whose last load is slow,
// and a task clicked meanwhile: its panel stays open (before, it closed when the load ended: seen as
// say-to-agent.e2e failing in CI). The host's answers to one method are held back here until the
// click is made, so the order is the same however fast the machine is.
describe.skipIf(skipE2e)('an address that loads after a newer click', () => {
  let baton: Baton;
  let page: Page;
  /** The method whose answers are held back, while one is. */
  let hold: string | null = null;
  const held: (() => void)[] = [];
  const plans = () => page.getByRole('list', { name: 'Plans' });

  beforeAll(async () => {
    baton = await launchBaton('late-route', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'report',
        name: 'Weekly report',
        tasks: [{ task_id: 'write', description: 'Write the report', required_skills: ['x'] }],
      },
    });
    await page.routeWebSocket(/\/ws|socket/, (ws) => {
      const server = ws.connectToServer();
      const slow = new Set<unknown>();
      ws.onMessage((m) => {
        if (hold && typeof m === 'string') {
          const call = JSON.parse(m) as { id?: unknown; method?: unknown };
          if (call.method === hold) slow.add(call.id);
        }
        server.send(m);
      });
      server.onMessage((m) => {
        if (slow.size > 0 && typeof m === 'string') {
          const id = (JSON.parse(m) as { id?: unknown }).id;
          if (id !== undefined && slow.delete(id)) {
            held.push(() => ws.send(m));
            return;
          }
        }
        ws.send(m);
      });
    });
  });
  afterAll(() => baton?.close());

  /**
   * Lets the held answers go. A plan imported then is told on the same socket after them: once the
   * list shows it, the page has taken those answers and done what followed them.
   */
  const release = async (marker: string) => {
    hold = null;
    for (const answer of held.splice(0)) answer();
    await baton.rpc('plans.import', {
      plan: { plan_id: marker, tasks: [{ task_id: 'a', description: 'A', required_skills: ['x'] }] },
    });
    await plans()
      .getByRole('link', { name: new RegExp(marker) })
      .waitFor();
  };

  it('leaves the person on the plan they clicked, not in the designer its address named', async () => {
    hold = 'plans.get';
    await page.goto(baton.at('/plans/report/edit'));
    await expect.poll(() => held.length).toBeGreaterThan(0);
    await plans()
      .getByRole('link', { name: /Weekly report/ })
      .click();
    await release('marker');
    const edit = page.getByRole('button', { name: 'Edit plan' });
    const designer = page.getByRole('region', { name: 'Plan designer graph' });
    await edit.or(designer).first().waitFor();
    expect(await designer.count()).toBe(0);
    expect(await edit.isVisible()).toBe(true);
    expect(new URL(page.url()).pathname).toBe('/plans/report');
    // The designer's address on its own still opens the designer.
    await page.goto(baton.at('/plans/report/edit'));
    await designer.waitFor();
  });

  it('keeps a task open that the person clicked while the run’s address still loaded', async () => {
    const run_id = (await baton.rpc('runs.start', { plan_id: 'report' })).value.run_id as string;
    // The run's tasks show before its build log is read, the last thing its address waits for.
    hold = 'memory.read';
    await page.goto(baton.at(`/runs/${run_id}`));
    await expect.poll(() => held.length).toBeGreaterThan(0);
    await page.getByTitle('Show task write').click();
    await release('marker-2');
    await page.getByRole('region', { name: 'Task write details' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/runs/${run_id}/tasks/write`);
  });

  it('opens in the run a task clicked after Run plan, before the run was there', async () => {
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'fresh',
        tasks: [{ task_id: 'draft', description: 'Draft it', required_skills: ['x'] }],
      },
    });
    await page.goto(baton.at('/plans/fresh'));
    hold = 'runs.start';
    await page.getByRole('button', { name: 'Run plan' }).click();
    await expect.poll(() => held.length).toBeGreaterThan(0);
    // No run yet: the card shows the task's definition.
    await page
      .getByRole('region', { name: 'Plan graph' })
      .getByRole('article', { name: /^Task draft/ })
      .click();
    await page.getByRole('region', { name: 'Task draft definition' }).waitFor();
    await release('marker-3');
    // The run there, the task is open in it (before: the panel closed, and nothing was selected).
    await page.getByRole('region', { name: 'Task draft details' }).waitFor();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/runs\/run-[^/]+\/tasks\/draft$/);
  });
});
