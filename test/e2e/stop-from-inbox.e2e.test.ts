import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import { askingAcpAgentScript, waitingAcpAgent } from '../kit/acp-waiting-agent.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { removeDataDir, shots, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';

/**
 * A tool call of a running ACP agent waits in the inbox; from its card a person stops the turn: the
 * agent's question is answered `cancelled`, the card leaves the inbox (withdrawn), and the agent
 * waits for their next words, which finish the task.
 */
describe.skipIf(skipE2e)('stopping a turn from a tool call’s card in the inbox', () => {
  let app: BatonApp;
  let dataDir: string;
  let scripts: string;
  let repo: TempRepo;
  let inbox: InboxPage | undefined;
  let page: Page;
  let runId: string;
  let asked: ApprovalView | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'baton-stop-inbox-'));
    scripts = mkdtempSync(join(tmpdir(), 'baton-stop-inbox-agent-'));
    writeFileSync(join(scripts, 'agent.mjs'), askingAcpAgentScript);
    repo = makeRepo({ 'README.md': '# A sample workspace\n' });
    app = createApp({ dataDir, log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    await call(app, 'agents.import', {
      agents: [{ ...waitingAcpAgent(join(scripts, 'agent.mjs')), tool_approvals: 'inbox' }],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'notes',
        workspace: 'app',
        tasks: [{ task_id: 'notes', description: 'Write notes.', required_skills: ['code'] }],
      },
    });
    runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'notes' })).run_id;
    await eventually(
      async () => {
        const pending = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
        asked = pending.find((x) => x.run_id === runId);
        return asked !== undefined;
      },
      60_000,
      'the tool call in the inbox',
    );
    inbox = await openInbox(app, dataDir, 'Ana');
    page = inbox.page;
  });
  afterAll(async () => {
    await inbox?.close();
    await app?.close();
    if (dataDir) await removeDataDir(dataDir);
    if (scripts) rmSync(scripts, { recursive: true, force: true });
    repo?.cleanup();
  });

  it('Stop this turn on the card answers the agent cancelled and withdraws the card', async () => {
    const card = page.getByRole('region', { name: 'Approval for notes' });
    const controls = card.getByRole('region', { name: "The turns of notes's agent" });
    await controls.getByRole('button', { name: 'Stop this turn' }).waitFor();
    await page.screenshot({ path: join(shots, 'stop-from-inbox-1440.png') });
    await controls.getByRole('button', { name: 'Stop this turn' }).click();
    await eventually(async () => app.store.approvals.get(asked!.id)?.status === 'expired');
    await expect.poll(() => card.count(), { timeout: 30_000 }).toBe(0);
    let tree = '';
    await eventually(async () => {
      const sessions = await call<{ task_id: string; dir: string }[]>(app, 'runs.sessions', {
        run_id: runId,
      });
      tree = sessions.find((x) => x.task_id === 'notes')?.dir ?? '';
      return tree !== '' && existsSync(join(tree, 'prompts.log'));
    });
    expect(readFileSync(join(tree, 'prompts.log'), 'utf8')).toContain('--- permission cancelled');
    await call(app, 'runs.say', { run_id: runId, task_id: 'notes', text: 'No notes.', actor: 'Ana' });
    await app.engine.whenSettled(runId);
    expect(app.store.runs.task(runId, 'notes')?.status).toBe('done');
  });
});
