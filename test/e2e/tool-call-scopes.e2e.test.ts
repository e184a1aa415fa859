import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';
import { chromiumFound, removeDataDir, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';

/** A conversation for the task whose description holds `marker`: its writes, then done. */
const writes = (marker: string, files: string[]) => ({
  name: marker,
  match: (req: { texts: string[]; tools: string[] }) =>
    req.tools.length > 0 && req.texts.some((t) => t.includes(marker)),
  turns: [
    ...files.map((f) => ({ tools: [{ name: 'files__write_file', input: { path: f, content: `${f}\n` } }] })),
    { text: 'Done.' },
  ],
});

/**
 * The wider answers to a tool call in the inbox, with a real tool loop (an `llm` agent against a
 * scripted model server, its write tool asked about): the card offers Allow, Allow for the rest
 * of this task and Always allow for this agent; "for the rest of this task" lets the task's next
 * write run unasked; "always" then shows the tool on the agent's form, where it is removed. An
 * ACP agent's edit, which carries its own diff, is shown as a diff on its card.
 */
describe.skipIf(skipE2e)('a tool call allowed for the rest of the task or always for the agent', () => {
  let app: BatonApp;
  let dataDir: string;
  let files: string;
  let model: ModelServer;
  let inbox: InboxPage | undefined;
  let page: Page;

  const pending = async (taskId: string): Promise<ApprovalView> => {
    let found: ApprovalView | undefined;
    await eventually(async () => {
      const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
      found = list.find((a) => a.kind === 'tool_call' && a.task_id === taskId);
      return found !== undefined;
    });
    return found!;
  };
  const start = async (planId: string, taskId: string, marker: string) => {
    await call(app, 'plans.import', {
      plan: {
        plan_id: planId,
        tasks: [{ task_id: taskId, description: `${marker}: write`, required_skills: ['ops'] }],
      },
    });
    return (await call<{ run_id: string }>(app, 'runs.start', { plan_id: planId })).run_id;
  };
  const done = async (runId: string) => {
    await app.engine.whenSettled(runId);
    return (await call<RunDetail>(app, 'runs.get', { run_id: runId })).tasks[0]!.status;
  };
  const card = (taskId: string) => page.getByRole('region', { name: `Approval for ${taskId}` });

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dataDir = mkdtempSync(join(tmpdir(), 'baton-tool-scopes-'));
    files = mkdtempSync(join(tmpdir(), 'baton-tool-scopes-files-'));
    mkdirSync(join(files, 'notes'));
    model = await startChatServer({
      conversations: [writes('FIRST', ['a.txt', 'b.txt']), writes('SECOND', ['c.txt', 'd.txt'])],
    });
    app = createApp({ dataDir, log: () => {} });
    await call(app, 'agents.import', {
      agents: [
        {
          id: 'mila',
          name: 'Mila',
          kind: 'llm',
          skills: ['ops'],
          base_url: `${model.url}/v1`,
          model: 'tiny',
          max_retries: 0,
          tools: [{ kind: 'workspace', name: 'files', dir: files }],
        },
      ],
    });
    inbox = await openInbox(app, dataDir);
    page = inbox.page;
  });
  afterAll(async () => {
    await inbox?.close();
    await app?.close();
    await model?.close();
    if (dataDir) await removeDataDir(dataDir);
    if (files) rmSync(files, { recursive: true, force: true });
  });

  it('offers allow once, for the rest of this task, and always for this agent; "for this task" lets the next write run unasked', async () => {
    const run = await start('first', 'notes', 'FIRST');
    await pending('notes');
    const c = card('notes');
    await c.waitFor();
    await c.getByRole('button', { name: 'Allow', exact: true }).waitFor();
    // The wider answers name the tool as the policy does.
    const wider = c.getByRole('group', { name: 'Allow files/write_file without asking again' });
    for (const name of ['Allow for the rest of this task', 'Always allow for this agent'])
      await wider.getByRole('button', { name, exact: true }).waitFor();
    await shoot(page, 'tool-call-scopes', () =>
      c.getByRole('region', { name: 'Preview of the write to a.txt' }).getByText('a new file').waitFor(),
    );
    // Edited arguments answer their call only: the wider answers wait until the edit is undone.
    const args = c.getByLabel('Arguments of write_file');
    const asWritten = await args.inputValue();
    await args.fill(asWritten.replace('a.txt', 'b.txt'));
    for (const name of ['Allow for the rest of this task', 'Always allow for this agent'])
      await expect.poll(() => wider.getByRole('button', { name, exact: true }).isDisabled()).toBe(true);
    await args.fill(asWritten);
    await expect
      .poll(() => wider.getByRole('button', { name: 'Allow for the rest of this task' }).isDisabled())
      .toBe(false);
    await c.getByRole('button', { name: 'Allow for the rest of this task' }).click();
    expect(await done(run)).toBe('done');
    const asked = (await call<ApprovalView[]>(app, 'approvals.list', {})).filter((a) => a.run_id === run);
    expect(asked).toHaveLength(1);
    expect(app.store.toolCalls.get(asked[0]!.id)?.scope).toBe('task');
  });

  it('"always for this agent" runs its later writes unasked and lists the tool on its form, where it is removed', async () => {
    const run = await start('second', 'more', 'SECOND');
    await pending('more');
    await card('more').getByRole('button', { name: 'Always allow for this agent' }).click();
    expect(await done(run)).toBe('done');
    expect(
      (await call<ApprovalView[]>(app, 'approvals.list', {})).filter((a) => a.run_id === run),
    ).toHaveLength(1);

    // The Decided list says how far each reached.
    const lists = page.getByRole('navigation', { name: 'Approvals lists' });
    await lists.getByRole('link', { name: 'Decided' }).click();
    const decided = page.getByRole('region', { name: 'Decided approvals' });
    await expect
      .poll(() => decided.getByRole('listitem', { name: 'Decision on more' }).textContent())
      .toContain('Allowed, always for the agent by Ana');
    expect(await decided.getByRole('listitem', { name: 'Decision on notes' }).textContent()).toContain(
      'Allowed, for the rest of the task by Ana',
    );
    await lists.getByRole('link', { name: /^Waiting/ }).click();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Agents' }).click();
    await page.getByRole('button', { name: 'Edit mila' }).click();
    const form = page.getByRole('form', { name: 'Edit agent mila' });
    const grants = form.getByRole('region', { name: 'Tools always allowed' });
    await grants.getByText('files/write_file', { exact: true }).waitFor();
    expect(await grants.textContent()).toContain('by Ana');
    await shoot(page, 'agent-tool-grants', () => grants.scrollIntoViewIfNeeded());
    await grants.getByRole('button', { name: 'Remove files/write_file' }).click();
    await expect.poll(() => grants.count()).toBe(0);
    expect(await call(app, 'agents.toolGrants', { agent_id: 'mila' })).toEqual([]);
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'detached' });
  });

  it("shows an ACP agent's edit as the diff it carries", async () => {
    await call(app, 'agents.import', { agents: [{ id: 'seat', kind: 'human', skills: ['code'] }] });
    await call(app, 'plans.import', {
      plan: { plan_id: 'seat', tasks: [{ task_id: 'edit', description: 'edit', required_skills: ['code'] }] },
    });
    const run = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'seat' })).run_id;
    await call(app, 'work.execute', { agent_id: 'seat', run_id: run, task_id: 'edit' });
    // Asked as the ACP client asks (its request carries the edit's diff content).
    await app.engine.ask(
      { run_id: run, task_id: 'edit', attempt: 1 },
      {
        kind: 'tool_call',
        call_id: 'toolu_edit',
        tool: 'Edit',
        server: null,
        input: { file_path: '/w/src/port.ts', old_string: 'PORT = 3000', new_string: 'PORT = 8080' },
        agent_text: 'Moving the port.',
        diff: {
          path: '/w/src/port.ts',
          old_text: 'export const PORT = 3000;\nexport const HOST = "localhost";\n',
          new_text: 'export const PORT = 8080;\nexport const HOST = "localhost";\n',
        },
      },
    );
    await page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: /^Approvals/ })
      .click();
    const preview = card('edit').getByRole('region', { name: 'Preview of the write to /w/src/port.ts' });
    await preview.getByText('export const PORT = 8080;').waitFor();
    expect(await preview.textContent()).toContain('export const PORT = 3000;');
    await shoot(page, 'tool-call-acp-diff', () => preview.scrollIntoViewIfNeeded());
  });
});

/** For a person to look at: 1440 and 1024 wide, light and dark (BATON_SHOTS names the folder). */
async function shoot(page: Page, name: string, show: () => Promise<void>) {
  const looks = process.env.BATON_SHOTS;
  if (!looks) return;
  for (const width of [1440, 1024])
    for (const scheme of ['light', 'dark'] as const) {
      await page.setViewportSize({ width, height: 1000 });
      await page.emulateMedia({ colorScheme: scheme });
      await show();
      await page.screenshot({ path: join(looks, `${name}-${width}-${scheme}.png`) });
    }
  await page.setViewportSize({ width: 1440, height: 1000 });
  await page.emulateMedia({ colorScheme: 'light' });
}
