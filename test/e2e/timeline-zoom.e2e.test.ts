import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots as SHOTS_ROOT, skipE2e } from './harness.ts';

const shots = join(SHOTS_ROOT, 'runs');
const sleep = (ms: number) => ['-e', `setTimeout(() => console.log('::result {}'), ${ms})`];

// The run timeline zooms (buttons, Ctrl and the wheel, a drag across the axis) and resets; a
// person's time is drawn apart from agents': a human agent's work, and an approval asked during
// an attempt, each with its place in the legend.
describe.skipIf(skipE2e)('the timeline’s zoom and a person’s time', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    baton = await launchBaton('timeline-zoom', { width: 1440, height: 900 });
    page = baton.page;
    await baton.rpc('agents.import', {
      agents: [
        { id: 'builder', kind: 'command', skills: ['build'], command: process.execPath, args: sleep(700) },
        { id: 'ana', name: 'Ana', kind: 'human', skills: ['review'] },
      ],
    });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'launch',
        tasks: [
          { task_id: 'prepare', description: 'Prepare', required_skills: ['build'] },
          { task_id: 'build', description: 'Build', required_skills: ['build'], depends_on: ['prepare'] },
          { task_id: 'review', description: 'Review it', required_skills: ['review'], depends_on: ['build'] },
        ],
      },
    });
    const run = ((await baton.rpc('runs.start', { plan_id: 'launch' })).value as { run_id: string }).run_id;
    // Ana takes the review once the build is done, is asked about a tool call while on it, and finishes.
    for (let i = 0; i < 300; i++) {
      const took = await baton.rpc('work.execute', { agent_id: 'ana', run_id: run, task_id: 'review' });
      if (took.ok && (took.value as { status: string }).status === 'in_progress') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const asked = (
      await baton.rpc('inbox.ask', {
        run_id: run,
        task_id: 'review',
        attempt: 1,
        question: { kind: 'tool_call', call_id: 'c1', tool: 'publish', server: null, input: { to: 'prod' } },
      })
    ).value as { approval_id: string };
    await new Promise((r) => setTimeout(r, 300));
    await baton.rpc('approvals.decide', {
      approval_id: asked.approval_id,
      decision: 'approve',
      actor: 'Maria Lopez',
    });
    await new Promise((r) => setTimeout(r, 300));
    await baton.rpc('work.complete', {
      agent_id: 'ana',
      run_id: run,
      task_id: 'review',
      status: 'completed',
      attempt: 1,
    });
    for (let i = 0; i < 300; i++) {
      if ((await baton.runsOf('launch'))[0]?.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await page.goto(baton.server.url);
    await page.getByRole('tablist', { name: 'Plan views' }).getByRole('tab', { name: 'Timeline' }).click();
  });
  afterAll(() => baton?.close());

  const timeline = () => page.getByRole('region', { name: 'Run timeline' });
  const axis = () => timeline().getByRole('img', { name: /^Time axis/ });
  const button = (name: string) => timeline().getByRole('button', { name, exact: true });
  /** The first and last instants the axis shows, in ms, read from its name. */
  const shown = async () => {
    const name = (await axis().getAttribute('aria-label')) ?? '';
    const ms = (s: string) =>
      Number.parseFloat(s) * (s.endsWith(' s') ? 1000 : s.endsWith(' min') ? 60_000 : 1);
    const m = /^Time axis, \+(.+) to \+(.+) of (.+)$/.exec(name);
    return m ? { from: ms(m[1]!), to: ms(m[2]!) } : null;
  };

  it('draws a person’s work and a question asked during it apart from the agents’ bars', async () => {
    const review = timeline().getByRole('img', { name: /^review: Done/ });
    await expect.poll(() => review.getAttribute('aria-label')).toContain('ana (a person) worked');
    expect(await review.getAttribute('class')).toContain('person-work');
    expect(
      await timeline()
        .getByRole('img', { name: /^build: Done/ })
        .getAttribute('class'),
    ).not.toContain('person-work');
    const ask = timeline().getByRole('img', { name: /^review: waiting for a person: tool call/i });
    await expect.poll(() => ask.count()).toBe(1);
    expect(await ask.getAttribute('aria-label')).toMatch(
      /during its attempt, approved by Maria Lopez after \d/,
    );
    const legend = page.getByRole('list', { name: 'Timeline legend' });
    expect(await legend.textContent()).toContain('a person working');
    expect(await legend.textContent()).toContain('for a person');
  });

  it('zooms in and out with named buttons, and Reset zoom shows the whole run', async () => {
    expect(await button('Reset zoom').isDisabled()).toBe(true);
    expect(await shown()).toBeNull();
    await button('Zoom in').click();
    await expect.poll(shown).not.toBeNull();
    const once = (await shown())!;
    await button('Zoom in').click();
    await expect
      .poll(async () => (await shown())!.to - (await shown())!.from)
      .toBeLessThan(once.to - once.from);
    expect(await timeline().getByRole('status').textContent()).toMatch(/^Showing \+/);
    const twice = (await shown())!;
    await button('Zoom out').click();
    await expect
      .poll(async () => (await shown())!.to - (await shown())!.from)
      .toBeGreaterThan(twice.to - twice.from);
    await button('Reset zoom').click();
    await expect.poll(shown).toBeNull();
    expect(await axis().getAttribute('aria-label')).toMatch(/^Time axis, 0 to /);
  });

  it('zooms with Ctrl and the wheel over the rows', async () => {
    const box = (await timeline().locator('.timeline-rows').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + 40);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -200);
    await page.keyboard.up('Control');
    await expect.poll(shown).not.toBeNull();
    await button('Reset zoom').click();
    await expect.poll(shown).toBeNull();
  });

  it('zooms to the range dragged across the axis', async () => {
    const ticks = (await timeline().locator('.timeline-ticks').boundingBox())!;
    const whole = (await axis().getAttribute('aria-label'))!;
    const y = ticks.y + ticks.height / 2;
    await page.mouse.move(ticks.x + ticks.width * 0.25, y);
    await page.mouse.down();
    await page.mouse.move(ticks.x + ticks.width * 0.5, y, { steps: 4 });
    await page.mouse.move(ticks.x + ticks.width * 0.75, y, { steps: 4 });
    await page.mouse.up();
    await expect.poll(shown).not.toBeNull();
    const range = (await shown())!;
    // A quarter of the run in, to three quarters: the part between is what is shown.
    const span = Number.parseFloat(/to (.+)$/.exec(whole)![1]!) * (whole.endsWith(' s') ? 1000 : 1);
    expect(range.from / span).toBeGreaterThan(0.2);
    expect(range.from / span).toBeLessThan(0.3);
    expect(range.to / span).toBeGreaterThan(0.7);
    expect(range.to / span).toBeLessThan(0.8);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const width of [1440, 1024]) {
        await page.setViewportSize({ width, height: 800 });
        await page.screenshot({ path: join(shots, `timeline-zoomed-${width}-${scheme}.png`) });
      }
    }
    await button('Reset zoom').click();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.setViewportSize({ width: 1440, height: 800 });
      await page.screenshot({ path: join(shots, `timeline-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });
});
