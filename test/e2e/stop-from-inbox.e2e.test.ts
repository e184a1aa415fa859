import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import { askingAcpAgentScript, waitingAcpAgent } from '../kit/acp-waiting-agent.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import type { AcpTaskScene } from './acp-task-scene.ts';
import { startAcpTask } from './acp-task-scene.ts';
import { shots, skipE2e } from './harness.ts';

/**
 * A tool call of a running ACP agent waits in the inbox; from its card a person stops the turn: the
 * agent's question is answered `cancelled`, the card leaves the inbox (withdrawn), and the agent
 * waits for their next words, which finish the task.
 */
describe.skipIf(skipE2e)('stopping a turn from a tool call’s card in the inbox', () => {
  let scene: AcpTaskScene | undefined;
  let app: BatonApp;
  let page: Page;
  let runId: string;
  let asked: ApprovalView | undefined;

  beforeAll(async () => {
    scene = await startAcpTask({
      name: 'stop-inbox',
      script: askingAcpAgentScript,
      agent: (script) => ({ ...waitingAcpAgent(script), tool_approvals: 'inbox' }),
      task: { task_id: 'notes', description: 'Write notes.' },
      ready: async (started, run) => {
        const pending = await call<ApprovalView[]>(started, 'approvals.list', { status: 'pending' });
        asked = pending.find((x) => x.run_id === run);
        return asked !== undefined;
      },
      what: 'the tool call in the inbox',
    });
    ({ app, runId } = scene);
    page = await scene.open('Ana');
  });
  afterAll(() => scene?.close());

  it('Stop this turn on the card answers the agent cancelled and withdraws the card', async () => {
    const card = page.getByRole('region', { name: 'Approval for notes' });
    const controls = card.getByRole('region', { name: "The turns of notes's agent" });
    await controls.getByRole('button', { name: 'Stop this turn' }).waitFor();
    await page.screenshot({ path: join(shots, 'stop-from-inbox-1440.png') });
    await controls.getByRole('button', { name: 'Stop this turn' }).click();
    await eventually(async () => app.store.approvals.get(asked!.id)?.status === 'expired');
    await expect.poll(() => card.count(), { timeout: 30_000 }).toBe(0);
    // The agent logs the answer once it has it, which may be after the card is withdrawn.
    const log = async () => {
      const tree = (await scene?.sessionDir()) ?? '';
      const file = join(tree, 'prompts.log');
      return tree !== '' && existsSync(file) ? readFileSync(file, 'utf8') : '';
    };
    await expect.poll(log).toContain('--- permission cancelled');
    await call(app, 'runs.say', { run_id: runId, task_id: 'notes', text: 'No notes.', actor: 'Ana' });
    await app.engine.whenSettled(runId);
    expect(app.store.runs.task(runId, 'notes')?.status).toBe('done');
  });
});
