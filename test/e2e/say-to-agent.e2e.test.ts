import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { waitingAcpAgent, waitingAcpAgentScript } from '../kit/acp-waiting-agent.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { AcpTaskScene } from './acp-task-scene.ts';
import { startAcpTask } from './acp-task-scene.ts';
import { shots, skipE2e } from './harness.ts';
import { expectReadableIn } from './readability.ts';

/**
 * A person talks to a running ACP agent from its task panel: the box shows while the attempt
 * listens, says how the words reach it, sends on Enter, and the message shows in the steps with
 * the person's name. The agent's first turn waits for a file, so the task runs until the test says.
 */
describe.skipIf(skipE2e)('saying something to a running agent from the task panel', () => {
  let scene: AcpTaskScene | undefined;
  let app: BatonApp;
  let page: Page;
  let runId: string;

  beforeAll(async () => {
    // A check that runs until the test writes `checked`: the attempt stops listening once its
    // agent's last turn ends, while the task still runs.
    const waits = "const t = setInterval(() => require('fs').existsSync('checked') && clearInterval(t), 50)";
    scene = await startAcpTask({
      name: 'say-ui',
      script: waitingAcpAgentScript,
      agent: waitingAcpAgent,
      workspace: { checks: [{ name: 'wait', command: [process.execPath, '-e', waits] }] },
      task: { task_id: 'readme', description: 'Tidy the README.' },
      ready: async (started, run) =>
        (await call(started, 'runs.listening', { run_id: run, task_id: 'readme' })) !== null,
      what: 'the agent listening',
    });
    ({ app, runId } = scene);
    page = await scene.open('Ana');
    await page.goto(`${new URL(page.url()).origin}/runs/${runId}`);
    await page.getByTitle('Show task readme').click();
  });
  afterAll(() => scene?.close());

  const box = () => page.getByRole('textbox', { name: 'Say to the agent' });

  it('says how the words will reach the agent, and sends them on Enter', async () => {
    await box().waitFor();
    const form = page.getByRole('form', { name: "Say to readme's agent" });
    expect(await form.textContent()).toContain('ACP agent: queued for the next turn.');
    await box().fill('Also check the README');
    await box().press('Shift+Enter');
    await box().pressSequentially('links.');
    expect(await box().inputValue()).toBe('Also check the README\nlinks.');
    await box().press('Enter');
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Sent.' }).textContent())
      .toBe('Sent. ACP agent: queued for the next turn.');
    expect(await box().inputValue()).toBe('');
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: 'readme' });
    expect(steps.filter((s) => s.kind === 'message' && s.by !== undefined)).toMatchObject([
      { role: 'user', text: 'Also check the README\nlinks.', by: 'Ana' },
    ]);
  });

  it('shows the message in the steps with the person’s name', async () => {
    const trace = page.getByRole('tabpanel', { name: 'Steps' });
    const said = trace.locator('.step-message').filter({ hasText: 'links.' });
    await said.waitFor();
    expect(await said.textContent()).toMatch(/Message\s*from Ana\s*Also check the README\nlinks\./);
  });

  it('reads in both themes at 1440 and 1024 wide', async () => {
    await box().fill('Run the tests before you commit.');
    for (const width of [1440, 1024]) {
      await page.setViewportSize({ width, height: 1000 });
      for (const scheme of ['light', 'dark'] as const) {
        await expectReadableIn(page, scheme, {}, async () => {});
        await page.screenshot({ path: join(shots, `say-to-agent-${width}-${scheme}.png`) });
      }
    }
    // The message in the steps, with its sender.
    await page.locator('.step-message').filter({ hasText: 'links.' }).scrollIntoViewIfNeeded();
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.screenshot({ path: join(shots, `say-to-agent-step-1024-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('a refusal shows under the box in the host’s words; the box goes once the task has ended', async () => {
    let tree = '';
    await eventually(async () => {
      tree = (await scene?.sessionDir()) ?? '';
      return tree !== '' && existsSync(join(tree, 'prompts.log'));
    });
    writeFileSync(join(tree, 'go'), '');
    // Its turns over, the attempt runs its check: still in progress, it takes no messages.
    await eventually(
      async () => (await call(app, 'runs.listening', { run_id: runId, task_id: 'readme' })) === null,
      30_000,
      'the agent done listening',
    );
    await box().fill('One more thing.');
    await box().press('Enter');
    const refusal = page.getByRole('alert').filter({ hasText: 'takes no messages now' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(
      /^task "readme" is running, but agent "fake" \(kind coding\) takes no messages now/,
    );
    // Asked again, the box keeps the words and says the agent takes none now.
    expect(await box().inputValue()).toBe('One more thing.');
    const form = page.getByRole('form', { name: "Say to readme's agent" });
    await form.getByText('Its agent takes no messages now.').waitFor();
    expect(await form.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await page.setViewportSize({ width: 1024, height: 1000 });
    await refusal.scrollIntoViewIfNeeded();
    for (const scheme of ['light', 'dark'] as const) {
      await expectReadableIn(page, scheme, {}, async () => {});
      await page.screenshot({ path: join(shots, `say-to-agent-refused-1024-${scheme}.png`) });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    writeFileSync(join(tree, 'checked'), '');
    await app.engine.whenSettled(runId);
    const task = (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!;
    expect(task.status, task.error ?? '').toBe('done');
    await expect.poll(() => box().count()).toBe(0);
  });
});
