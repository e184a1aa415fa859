import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { TurnState } from '../../src-shared/steering.ts';
import { waitingAcpAgent, waitingAcpAgentScript } from '../kit/acp-waiting-agent.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { AcpTaskScene } from './acp-task-scene.ts';
import { startAcpTask, taskSessionDir } from './acp-task-scene.ts';
import { shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * A person pauses a running ACP agent from its task panel and resumes it: Pause stops its turn
 * (`session/cancel`) and the panel says who paused it, also after a reload; Resume gives the agent
 * its next turn and the task finishes. The agent's first turn waits for a file or a cancel.
 */
describe.skipIf(skipE2e)('pausing and resuming a running agent from the task panel', () => {
  let scene: AcpTaskScene | undefined;
  let app: BatonApp;
  let page: Page;
  let runId: string;
  let tree = '';
  const ref = () => ({ run_id: runId, task_id: 'readme' });

  beforeAll(async () => {
    scene = await startAcpTask({
      name: 'pause-ui',
      script: waitingAcpAgentScript,
      agent: waitingAcpAgent,
      task: { task_id: 'readme', description: 'Tidy the README.' },
      ready: async (started, run) => {
        tree = await taskSessionDir(started, run, 'readme');
        return (
          (await call<TurnState>(started, 'runs.turns', { run_id: run, task_id: 'readme' })).can_stop &&
          existsSync(join(tree, 'prompts.log'))
        );
      },
      what: 'the agent in its first turn',
    });
    ({ app, runId } = scene);
    page = await scene.open('Ana');
    await page.goto(`${new URL(page.url()).origin}/runs/${runId}`);
    await page.getByTitle('Show task readme').click();
  });
  afterAll(() => scene?.close());

  const controls = () => page.getByRole('region', { name: "The turns of readme's agent" });

  it('Pause stops the turn and says who paused it, also after a reload', async () => {
    await controls().getByRole('button', { name: 'Stop this turn' }).waitFor();
    // While its turn runs, the Turns tab says to pause it to revert.
    await page
      .getByRole('region', { name: 'Task readme details' })
      .getByRole('tab', { name: 'Turns' })
      .click();
    await page.getByText('Pause the agent to revert: its turn may be writing now.').waitFor();
    await controls().getByRole('button', { name: 'Pause' }).click();
    await controls()
      .getByText(/^Paused by Ana at .*: no next turn until Resume\.$/)
      .waitFor();
    expect(await controls().getByRole('button', { name: 'Stop this turn' }).count()).toBe(0);
    await eventually(() => readFileSync(join(tree, 'prompts.log'), 'utf8').includes('--- turn 1 cancelled'));
    expect(await call<TurnState>(app, 'runs.turns', ref())).toMatchObject({ held: 'paused', by: 'Ana' });
    await page.reload();
    await page.getByTitle('Show task readme').click();
    await controls()
      .getByText(/^Paused by Ana/)
      .waitFor();
    const trace = page.getByRole('tabpanel', { name: 'Steps' });
    await trace.locator('.step-message').filter({ hasText: 'Paused: no next turn until Resume' }).waitFor();
  });

  it('reads in both themes at 1440 wide', async () => {
    await page.setViewportSize({ width: 1440, height: 1000 });
    for (const scheme of ['light', 'dark'] as const) {
      await expectReadableIn(page, scheme, {}, async () => {});
      await page.screenshot({ path: join(shots, `pause-agent-1440-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('on a phone, the panel shows who paused it and Resume', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await controls().getByRole('button', { name: 'Resume' }).scrollIntoViewIfNeeded();
    expect(await controls().getByRole('button', { name: 'Resume' }).isVisible()).toBe(true);
    await expectReadableIn(page, 'light', {}, async () => {});
    await page.screenshot({ path: join(shots, 'pause-agent-390-light.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1440, height: 1000 });
  });

  it('while paused, the Turns tab offers a revert; the agent is told in its next turn', async () => {
    const tabs = page.getByRole('region', { name: 'Task readme details' });
    await tabs.getByRole('tab', { name: 'Turns' }).click();
    const turns = tabs.getByRole('region', { name: 'Turns of attempt 1' });
    // Its stopped turn ended and was kept (prompts.log): a revert is offered for both.
    await expect
      .poll(() => turns.getByRole('button', { name: /^Revert to/ }).count(), { timeout: 30_000 })
      .toBe(2);
    expect(await tabs.textContent()).toContain('Its agent is held between turns');
    for (const scheme of ['light', 'dark'] as const) {
      await expectReadableIn(page, scheme, { where: 'the Turns tab while paused' }, async () => {});
      await page.screenshot({ path: join(shots, `revert-paused-1440-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await turns.getByRole('button', { name: 'Revert to start of attempt 1' }).click();
    const ask = page.getByRole('alertdialog', { name: 'Revert readme to start of attempt 1?' });
    await ask.waitFor();
    expect(await ask.textContent()).toContain('the agent is told what was undone in its next turn');
    await ask.getByRole('button', { name: 'Revert' }).click();
    const done = tabs.getByRole('status').filter({ hasText: 'Reverted the worktree' });
    await done.waitFor();
    expect(await done.textContent()).toContain('Resume the task: its agent goes on from these files');
    expect(existsSync(join(tree, 'prompts.log'))).toBe(false);
    await page.screenshot({ path: join(shots, 'revert-paused-done-1440-light.png') });
  });

  it('Resume gives the agent its next turn; the task finishes and the buttons go', async () => {
    await controls().getByRole('button', { name: 'Resume' }).click();
    // Its next turn is told what was undone while it was paused (the turn writes prompts.log anew).
    let told = '';
    await eventually(() => {
      told = existsSync(join(tree, 'prompts.log')) ? readFileSync(join(tree, 'prompts.log'), 'utf8') : told;
      return told.includes('--- turn 2');
    });
    expect(told).toContain('Reverted the worktree to the start of attempt 1');
    await app.engine.whenSettled(runId);
    expect(app.store.runs.task(runId, 'readme')?.status).toBe('done');
    await expect.poll(() => controls().count(), { timeout: 30_000 }).toBe(0);
    const steps = await call<StoredStep[]>(app, 'runs.steps', ref());
    const notes = steps.flatMap((s) => (s.kind === 'message' && s.role === 'system' ? [[s.by, s.text]] : []));
    expect(notes).toEqual([
      ['Ana', 'Paused: no next turn until Resume'],
      ['Ana', 'Resumed'],
    ]);
  });
});
