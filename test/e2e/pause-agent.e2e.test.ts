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

  it('Resume gives the agent its next turn; the task finishes and the buttons go', async () => {
    await controls().getByRole('button', { name: 'Resume' }).click();
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
