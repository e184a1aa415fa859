import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, skipE2e } from './harness.ts';

// A reload at the designer's address whose plan loads slowly, and the plan clicked meanwhile: the
// person stays on the plan's page. Before, the designer opened over it once the load ended (seen as
// narrow-forms-graphs.e2e failing beside two busy loops). The host's answers to `plans.get` are
// held back here until the click is made, so the order is the same however fast the machine is.
describe.skipIf(skipE2e)('an address that loads after a newer click', () => {
  let baton: Baton;
  let page: Page;
  let hold = false;
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
          if (call.method === 'plans.get') slow.add(call.id);
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

  it('leaves the person on the plan they clicked, not in the designer its address named', async () => {
    hold = true;
    await page.goto(baton.at('/plans/report/edit'));
    await expect.poll(() => held.length).toBeGreaterThan(0);
    await plans()
      .getByRole('link', { name: /Weekly report/ })
      .click();
    hold = false;
    for (const answer of held.splice(0)) answer();
    // A plan imported now is told on the same socket after the held answers: once the list shows
    // it, the page has taken those answers and done what followed them.
    await baton.rpc('plans.import', {
      plan: { plan_id: 'marker', tasks: [{ task_id: 'a', description: 'A', required_skills: ['x'] }] },
    });
    await plans()
      .getByRole('link', { name: /marker/ })
      .waitFor();
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
});
