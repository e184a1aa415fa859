import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Baton } from './harness.ts';
import { launchBaton, shots, skipE2e } from './harness.ts';
import { tableMoves, watchTableMoves } from './table-moves.ts';

describe.skipIf(skipE2e)('the agents screen', () => {
  let baton: Baton;
  let page: Page;

  beforeAll(async () => {
    baton = await launchBaton('agents-ui');
    page = baton.page;
    await page.goto(baton.server.url);
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
  });
  afterAll(() => baton?.close());

  /** The form to add an agent, opened from the screen's "Add agent…" when it is not open already. */
  const addForm = async () => {
    const form = page.getByRole('form', { name: 'Add an agent' });
    if (!(await form.isVisible())) await page.getByRole('button', { name: 'Add agent…' }).click();
    await form.waitFor();
    return form;
  };

  it('adds an agent, naming the bad field when input is wrong', async () => {
    const form = await addForm();
    await form.getByLabel('Id').fill('bad id!');
    for (const skill of ['write', 'review']) {
      await form.getByLabel('Skills', { exact: true }).fill(skill);
      await form.getByLabel('Skills', { exact: true }).press('Enter');
    }
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => form.textContent()).toContain('may contain only letters, digits and . _ : @ -');
    await form.getByLabel('Id').fill('scribe');
    await form.getByRole('button', { name: 'Add agent' }).click();
    const table = page.getByRole('table', { name: 'Agents' });
    await expect.poll(() => table.getByRole('row', { name: /scribe/ }).isVisible()).toBe(true);
    expect(await table.getByRole('row', { name: /scribe/ }).textContent()).toContain('review');
    // Added: the form closes (after the row shows).
    await expect.poll(() => form.count()).toBe(0);
  });

  it('adds an llm agent naming its secret, not holding it', async () => {
    const form = await addForm();
    await form.getByLabel('Kind').selectOption('llm');
    await form.getByLabel('Id').fill('local-llama');
    await form.getByLabel('Model').fill('llama3.1');
    await form.getByLabel('Secret name (never the value)').fill('ollama.key');
    await form.getByRole('button', { name: 'Add agent' }).click();
    const row = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /local-llama/ });
    await expect.poll(() => row.textContent()).toContain('llm');
    await expect.poll(() => form.count()).toBe(0);
  });

  it('adds an http agent with a cancel URL and callbacks off, naming a bad cancel URL first', async () => {
    const form = await addForm();
    await form.getByLabel('Kind').selectOption('http');
    await form.getByLabel('Id').fill('summarizer-svc');
    await form.getByLabel('URL', { exact: true }).fill('http://127.0.0.1:4810/tasks');
    await form.getByLabel('Cancel URL (optional)').fill('/jobs/{job}/cancel');
    await form.getByLabel('Offer a callback URL (else polled)').uncheck();
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => form.textContent()).toContain('may hold only the placeholders');
    await form.getByLabel('Cancel URL (optional)').fill('/jobs/{delegation_task_id}/cancel');
    await form.getByRole('button', { name: 'Add agent' }).click();
    const row = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /summarizer-svc/ });
    await expect.poll(() => row.textContent()).toContain('http');
    const agents = (await baton.rpc('agents.list', {})).value as unknown as { id: string }[];
    expect(agents.find((a) => a.id === 'summarizer-svc')).toMatchObject({
      kind: 'http',
      callback: false,
      cancel_url: '/jobs/{delegation_task_id}/cancel',
    });
    await expect.poll(() => form.count()).toBe(0);
  });

  it('sets an agent AWAY and back', async () => {
    const status = page.getByLabel('Status of scribe');
    await status.selectOption('AWAY');
    await expect.poll(() => status.inputValue()).toBe('AWAY');
    await page.reload();
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    await expect.poll(() => page.getByLabel('Status of scribe').inputValue()).toBe('AWAY');
    await page.getByLabel('Status of scribe').selectOption('ONLINE');
    await expect.poll(() => page.getByLabel('Status of scribe').inputValue()).toBe('ONLINE');
    expect(await page.getByRole('img', { name: 'Attempts per agent' }).isVisible()).toBe(true);
    await page.screenshot({ path: join(shots, 'agents.png') });
  });

  it("clips a long agent id at the chart's label column, the whole id on hover", async () => {
    const id = 'breaker-with-a-really-long-agent-identifier-name';
    await baton.rpc('agents.import', { agents: [{ id, skills: ['ops'] }] });
    const chart = page.getByRole('img', { name: 'Attempts per agent' });
    await expect.poll(() => chart.locator('title', { hasText: id }).count()).toBe(1);
    // The label's own viewport ends where the bars begin: the id is not drawn over them.
    const edges = await chart.evaluate((svg, longId) => {
      const label = [...svg.querySelectorAll('svg')].find(
        (s) => s.querySelector('title')?.textContent === longId,
      )!;
      const bar = label.parentElement!.querySelector('rect')!;
      const left = svg.getBoundingClientRect().left;
      const viewport = (label as SVGSVGElement).width.baseVal.value;
      return { labelRight: left + viewport, barLeft: bar.getBoundingClientRect().left };
    }, id);
    await chart.screenshot({ path: join(shots, 'agents-chart-long-id.png') });
    expect(edges.labelRight).toBeLessThanOrEqual(edges.barLeft);
  });

  it('refuses an id that exists, on the Id field, and resets every field after an add', async () => {
    await baton.rpc('agents.import', {
      agents: [{ id: 'hal', name: 'Hal', skills: ['ops'], charter: { mission: 'Keep the ship going' } }],
    });
    const table = page.getByRole('table', { name: 'Agents' });
    await expect.poll(() => table.getByRole('row', { name: /Hal/ }).isVisible()).toBe(true);
    const form = await addForm();
    await form.getByLabel('Id').fill('hal');
    await form.getByLabel('Capacity').fill('3');
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect
      .poll(() => form.textContent())
      .toContain('An agent with id hal already exists — edit it instead');
    expect(await form.getByLabel('Id').getAttribute('aria-invalid')).toBe('true');
    const agents = (await baton.rpc('agents.list', {})).value as unknown as Record<string, unknown>[];
    expect(agents.find((a) => a.id === 'hal')).toMatchObject({
      name: 'Hal',
      max_concurrency: 1,
      charter: { mission: 'Keep the ship going' },
    });

    await form.getByLabel('Id').fill('ash');
    await form.getByLabel('Name (optional)').fill('Ash');
    await form.getByLabel('Skills', { exact: true }).fill('write');
    await form.getByLabel('Skills', { exact: true }).press('Enter');
    await form.getByLabel('Cost per task').fill('2');
    await form.getByLabel('Charter: mission').fill('Draft replies');
    await form.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => table.getByRole('row', { name: /Ash/ }).isVisible()).toBe(true);
    expect(await table.getByRole('row', { name: /Ash/ }).textContent()).toContain('3');
    // Added: the form closes, and opens again empty.
    await expect.poll(() => form.count()).toBe(0);
    const again = await addForm();
    const values = async () =>
      Promise.all(
        ['Id', 'Name (optional)', 'Capacity', 'Cost per task', 'Charter: mission'].map((l) =>
          again.getByLabel(l).inputValue(),
        ),
      );
    await expect.poll(values).toEqual(['', '', '1', '0', '']);
    expect(await again.getByRole('button', { name: /^Remove skill/ }).count()).toBe(0);
    expect(await again.textContent()).not.toContain('already exists');
  });

  it('names every wrong field at once, in plain words, and moves no field', async () => {
    const form = await addForm();
    const boxes = () =>
      Promise.all(
        ['Id', 'Capacity', 'Cost per task', 'Charter: mission'].map((l) => form.getByLabel(l).boundingBox()),
      );
    const before = await boxes();
    await form.getByLabel('Capacity').fill('0');
    await form.getByLabel('Cost per task').fill('abc');
    await form.getByRole('button', { name: 'Add agent' }).click();
    // One round: all three at once, never the schema's own wording.
    await expect.poll(() => form.textContent()).toContain('Id is required');
    const text = await form.textContent();
    expect(text).toContain('Capacity must be a whole number of at least 1');
    expect(text).toContain('Cost per task must be a number of at least 0');
    expect(text).not.toMatch(/Too small|expected number|may contain only/);
    expect(await boxes()).toEqual(before);
    await form.screenshot({ path: join(shots, 'agents-form-errors.png') });
    await form.getByLabel('Capacity').fill('1');
    await form.getByLabel('Cost per task').fill('0');
    // Escape closes it, nothing added.
    await page.keyboard.press('Escape');
    await expect.poll(() => form.count()).toBe(0);
  });

  it('edits an agent in the same form, its id read-only, keeping what the form does not show', async () => {
    await page.getByRole('button', { name: 'Edit hal' }).click();
    const form = page.getByRole('form', { name: 'Edit agent hal' });
    await expect.poll(() => form.isVisible()).toBe(true);
    expect(await form.getByLabel('Id').inputValue()).toBe('hal');
    expect(await form.getByLabel('Id').getAttribute('readonly')).not.toBeNull();
    expect(await form.getByLabel('Name (optional)').inputValue()).toBe('Hal');
    expect(await form.getByLabel('Charter: mission').inputValue()).toBe('Keep the ship going');
    await form.getByLabel('Name (optional)').fill('HAL 9000');
    await form.getByLabel('Capacity').fill('4');
    await page.screenshot({ path: join(shots, 'agents-edit.png') });
    await form.getByRole('button', { name: 'Save agent' }).click();
    const row = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /HAL 9000/ });
    await expect.poll(() => row.isVisible()).toBe(true);
    expect(await row.textContent()).toContain('4');
    // Saved: the form closes (no empty "Add an agent" left in its place).
    await expect.poll(() => form.count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Add an agent' }).count()).toBe(0);
    const agents = (await baton.rpc('agents.list', {})).value as unknown as Record<string, unknown>[];
    expect(agents.find((a) => a.id === 'hal')).toMatchObject({
      name: 'HAL 9000',
      max_concurrency: 4,
      skills: ['ops'],
      charter: { mission: 'Keep the ship going' },
    });
  });

  it('removes an agent after asking, and will not remove one working on a task', async () => {
    await baton.rpc('agents.import', { agents: [{ id: 'dave', kind: 'human', skills: ['pods'] }] });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'pods',
        tasks: [{ task_id: 'open-pod', description: 'Open', required_skills: ['pods'] }],
      },
    });
    const run = (await baton.rpc('runs.start', { plan_id: 'pods' })).value.run_id as string;
    const took = await baton.rpc('work.execute', { agent_id: 'dave', run_id: run, task_id: 'open-pod' });
    expect(took.ok).toBe(true);
    const table = page.getByRole('table', { name: 'Agents' });
    await expect.poll(() => table.getByRole('row', { name: /dave/ }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Remove dave' }).click();
    const busy = page.getByRole('dialog', { name: 'Remove agent dave' });
    await expect
      .poll(() => busy.getByRole('alert').textContent())
      .toContain('dave is working on 1 task (open-pod) and cannot be removed now');
    expect(await busy.getByRole('button', { name: 'Remove agent' }).isDisabled()).toBe(true);
    await busy.screenshot({ path: join(shots, 'agents-remove-busy.png') });
    await busy.getByRole('button', { name: 'Keep agent' }).click();
    await expect.poll(() => busy.isVisible()).toBe(false);

    await page.getByRole('button', { name: 'Remove ash' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove agent ash' });
    await expect.poll(() => dialog.getByRole('button', { name: 'Remove agent' }).isEnabled()).toBe(true);
    expect(await dialog.textContent()).toContain('Its past attempts stay in run history');
    await page.screenshot({ path: join(shots, 'agents-remove.png') });
    await dialog.getByRole('button', { name: 'Remove agent' }).click();
    await expect.poll(() => table.getByRole('row', { name: /ash/i }).count()).toBe(0);
    await expect.poll(() => dialog.isVisible()).toBe(false);
    const ids = ((await baton.rpc('agents.list', {})).value as unknown as { id: string }[]).map((a) => a.id);
    expect(ids).toContain('dave');
    expect(ids).not.toContain('ash');
  });

  it('opens with its table where it stays: nothing above it comes or grows once it shows', async () => {
    // No coding agent yet: the CLIs on this machine are listed above the table (a newcomer's
    // screen). The table was drawn first, then moved 130 px down as that list was put above it,
    // and 77 px more as the list came: a click aimed at a row could land elsewhere (likely how a
    // loaded CI run lost its click on "Edit frank" in the test after this one).
    await baton.rpc('agents.create', { id: 'ivy', skills: ['eva'] });
    const context = await baton.browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      await watchTableMoves(context, 'Agents');
      const fresh = await context.newPage();
      await fresh.goto(baton.server.url);
      await fresh.getByRole('link', { name: 'Agents', exact: true }).click();
      const clis = fresh.getByRole('region', { name: 'Coding CLIs on this machine' });
      // Above the table, and done looking (each CLI found or not).
      await expect.poll(() => clis.locator('[aria-busy]').count()).toBe(0);
      await expect.poll(() => clis.getByRole('listitem').count()).toBeGreaterThan(0);
      const [list, table] = [
        await clis.boundingBox(),
        await fresh.getByRole('table', { name: 'Agents' }).boundingBox(),
      ];
      expect(list!.y).toBeLessThan(table!.y);
      expect(await tableMoves(fresh)).toEqual([]);
    } finally {
      await context.close();
      await baton.rpc('agents.remove', { agent_id: 'ivy' });
    }
  });

  it('takes a removed agent off every other open tab, with no reload', async () => {
    await baton.rpc('agents.create', { id: 'frank', skills: ['eva'] });
    // Two tabs of one browser on the same host, each with its own connection to it.
    const context = await baton.browser.newContext({ viewport: { width: 1400, height: 900 } });
    try {
      const [here, there] = [await context.newPage(), await context.newPage()];
      const rowOf = (p: Page, id: RegExp) =>
        p.getByRole('table', { name: 'Agents' }).getByRole('row', { name: id });
      // A tab in the background gets no animation frames, and the UI applies pushed events in
      // one: each tab is brought to the front while it is used, as a person switching tabs does.
      for (const p of [here, there]) {
        await p.bringToFront();
        await p.goto(baton.server.url);
        await p.getByRole('link', { name: 'Agents', exact: true }).click();
        await expect.poll(() => rowOf(p, /frank/).isVisible()).toBe(true);
      }
      // The other tab is editing the agent when it goes.
      await there.getByRole('button', { name: 'Edit frank' }).click();
      await expect
        .poll(() => there.getByRole('heading', { name: 'Edit agent frank' }).isVisible())
        .toBe(true);
      // A reload would drop this mark.
      await there.evaluate(() => {
        (window as unknown as { notReloaded?: boolean }).notReloaded = true;
      });

      await here.bringToFront();
      await here.getByRole('button', { name: 'Remove frank' }).click();
      const dialog = here.getByRole('dialog', { name: 'Remove agent frank' });
      await expect.poll(() => dialog.getByRole('button', { name: 'Remove agent' }).isEnabled()).toBe(true);
      await dialog.getByRole('button', { name: 'Remove agent' }).click();
      await expect.poll(() => rowOf(here, /frank/).count()).toBe(0);

      await there.bringToFront();
      await expect.poll(() => rowOf(there, /frank/).count()).toBe(0);
      const mark = await there.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded);
      expect(mark).toBe(true);
      // Only that agent left the other tab.
      expect(await rowOf(there, /dave/).isVisible()).toBe(true);
      // Its form says the agent went and the changes were not saved, and closes, rather than
      // silently turning into an empty "Add an agent".
      await expect
        .poll(() => there.getByRole('alert').filter({ hasText: 'Agent frank was removed' }).count())
        .toBe(1);
      expect(await there.getByRole('dialog', { name: 'Edit agent frank' }).count()).toBe(0);
      expect(await there.getByRole('form', { name: 'Add an agent' }).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('forgets that you are a person’s agent once it is removed, instead of failing to load their tasks', async () => {
    await baton.rpc('agents.create', { id: 'gina', kind: 'human', skills: ['eva'] });
    const chosen = () =>
      page.evaluate(() => JSON.parse(localStorage.getItem('baton.identity') ?? 'null') as unknown);
    await page.getByRole('button', { name: /^Say who you are|^Change who you are/ }).click();
    const who = page.getByRole('dialog', { name: 'Who are you?' });
    await who.getByRole('radio', { name: /gina/ }).check();
    await who.getByRole('button', { name: 'I am gina' }).click();
    expect(await chosen()).toEqual({ name: 'gina', agentId: 'gina' });

    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    await page.getByRole('button', { name: 'Remove gina' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove agent gina' });
    await expect.poll(() => dialog.getByRole('button', { name: 'Remove agent' }).isEnabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Remove agent' }).click();
    // The name stays (it is still who decides); being gina's agent goes.
    await expect.poll(chosen).toEqual({ name: 'gina', agentId: null });

    await page.getByRole('link', { name: /^My tasks/ }).click();
    await expect
      .poll(() => page.getByRole('region', { name: 'My tasks' }).textContent())
      .toContain('You are gina, who is none of the human agents');
    expect(await page.getByRole('alert').filter({ hasText: 'gina' }).count()).toBe(0);
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
  });

  it('points to Settings → Secrets, where browser mode stores them too', async () => {
    const head = page.getByRole('heading', { name: 'Agents', level: 1 }).locator('..');
    expect(await head.textContent()).toContain('The secrets they name are set in Settings → Secrets.');
    expect(await page.getByRole('form', { name: 'Secrets' }).count()).toBe(0);
    const stored = await baton.rpc('secrets.set', { name: 'api.key', value: 'sk-123' });
    expect(stored).toMatchObject({ ok: true, value: { name: 'api.key', protection: 'file' } });
  });

  it('keeps projects with goal, phase, budget and spend', async () => {
    await page.getByRole('link', { name: 'Projects', exact: true }).click();
    const form = page.getByRole('form', { name: 'Project' });
    await form.getByLabel('Id').fill('onboarding');
    await form.getByLabel('Name').fill('Onboarding');
    await form.getByLabel('Goal').fill('Get the new team productive');
    await form.getByLabel('Budget').fill('abc');
    await form.getByRole('button', { name: 'Save project' }).click();
    await expect.poll(() => form.textContent()).toContain('must be a number');
    await form.getByLabel('Budget').fill('50');
    await form.getByLabel('Daily cap (USD)').fill('0');
    await form.getByRole('button', { name: 'Save project' }).click();
    await expect.poll(() => form.textContent()).toContain('Daily cap (USD) must be more than 0');
    await form.getByLabel('Daily cap (USD)').fill('20');
    await form.getByRole('button', { name: 'Save project' }).click();
    const row = page.getByRole('table', { name: 'Projects' }).getByRole('row', { name: /Onboarding/ });
    await expect.poll(() => row.textContent()).toContain('Get the new team productive');
    // The spend cell comes with its own answer (projects.spend): '…' until then.
    await expect.poll(() => row.textContent()).toContain('50');
    expect(await row.textContent()).toContain('at most $20 a day');
    expect(await baton.rpc('projects.list', {})).toMatchObject({
      ok: true,
      value: [expect.objectContaining({ id: 'onboarding', daily_cap: { usd: 20 } })],
    });
    await page.screenshot({ path: join(shots, 'projects-daily-cap.png') });
  });

  it('says in words and colour when a project is over its budget', async () => {
    await baton.rpc('agents.create', { id: 'spender', skills: ['spend'] });
    const project = { id: 'apollo', name: 'Apollo launch', goal: 'Ship Apollo 2.0', phase: 'execution' };
    await baton.rpc('projects.save', { ...project, budget: 100 });
    await baton.rpc('plans.import', {
      plan: {
        plan_id: 'apollo-release',
        project_id: 'apollo',
        tasks: [{ task_id: 'big', description: 'Spend', agent: 'spender', estimated_cost: 24.5 }],
      },
    });
    await baton.rpc('runs.start', { plan_id: 'apollo-release' });
    await expect
      .poll(async () => (await baton.rpc('runs.spend', { scope: 'project', id: 'apollo' })).value.spent)
      .toBe(24.5);
    // The budget is cut after the money was spent.
    await baton.rpc('projects.save', { ...project, budget: 12 });
    await page.reload();
    await page.getByRole('link', { name: 'Projects', exact: true }).click();
    const row = page.getByRole('table', { name: 'Projects' }).getByRole('row', { name: /Apollo launch/ });
    await expect.poll(() => row.textContent()).toContain('24.5 of 12 — 12.5 over budget');
    await page.screenshot({ path: join(shots, 'projects-over-budget.png') });
    // The words lead to the project's spend, where its budget is named over and metered.
    await row.getByRole('link', { name: /over budget/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('project')).toBe('apollo');
    const budget = page
      .getByRole('table', { name: 'Budgets' })
      .getByRole('row', { name: 'Apollo launch: over budget' });
    await expect.poll(() => budget.textContent()).toContain('24.5 of 12 — 12.5 over budget');
    // Low is good on this meter, and the spend is past its high mark: the browser draws it red.
    const meter = await budget
      .getByRole('meter')
      .evaluate((m: HTMLMeterElement) => ({ value: m.value, low: m.low, high: m.high, optimum: m.optimum }));
    expect(meter.optimum).toBeLessThan(meter.low);
    expect(meter.value).toBeGreaterThan(meter.high);
    await page.getByRole('link', { name: 'Projects', exact: true }).click();
  });

  it('words project field errors plainly, re-checks them as typed, and drops them for another project', async () => {
    const form = page.getByRole('form', { name: 'Project' });
    await form.getByLabel('Id').fill('bad id with spaces');
    await form.getByLabel('Name').fill('X');
    await form.getByLabel('Budget').fill('-5');
    await form.getByRole('button', { name: 'Save project' }).click();
    await expect.poll(() => form.textContent()).toContain('Budget must be a number of 0 or more');
    expect(await form.textContent()).toContain('Id may contain only letters, digits and . _ : @ -');
    expect(await form.textContent()).not.toMatch(/Too small|Invalid input|expected number/);
    await page.screenshot({ path: join(shots, 'projects-bad.png') });
    // Typing re-checks: a fixed field loses its error, a new mistake is named.
    await form.getByLabel('Budget').fill('5');
    await expect.poll(() => form.textContent()).not.toContain('Budget must');
    expect(await form.getByLabel('Budget').getAttribute('aria-invalid')).toBeNull();
    await form.getByLabel('Budget').fill('abc');
    await expect
      .poll(() => form.textContent())
      .toContain('Budget must be a number of 0 or more (or empty for no budget)');
    // Loading another project to edit starts with no errors.
    await page
      .getByRole('table', { name: 'Projects' })
      .getByRole('button', { name: 'Apollo launch' })
      .click();
    await expect.poll(() => form.getByLabel('Id').inputValue()).toBe('apollo');
    expect(await form.getByLabel('Budget').inputValue()).toBe('12');
    expect(await form.locator('[aria-invalid="true"]').count()).toBe(0);
    expect(await form.textContent()).not.toMatch(/must|may contain/);
    await page.screenshot({ path: join(shots, 'projects-edit-after-errors.png') });
  });
});
