import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { fixtureBin, fixtureInstalled } from '../kit/fixtures.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';
import { expectReadableIn } from './readability.ts';

/** The official filesystem MCP server of the test/mcp fixture package (`npm ci --prefix test/mcp`). */
const fsServer = fixtureBin('mcp', 'mcp-server-filesystem');
const mcpInstalled = fixtureInstalled('mcp');

const CONFIG_BEFORE = 'port = 3000\nhost = "localhost"\nlog = "info"\n';
const ASKED = 'port = 8080\nhost = "0.0.0.0"\nlog = "info"\n';
const EDITED = 'port = 8080\nhost = "localhost"\nlog = "info"\n';
const README = '# Service\n\nRuns on port 3000.\n';
const DENIAL = 'Keep the README as it is; the port is documented elsewhere.';

/**
 * A tool call in the Approvals inbox, with a real tool loop: an `llm` agent against a scripted
 * OpenAI-compatible model server asks to write a file with Baton's workspace tools, then to edit
 * one through the official filesystem MCP server; both are `ask`. In Chromium a person reads who
 * asks for what, sees the diff each would make, edits the first call's arguments (a broken edit
 * is named as broken first) and approves them, and denies the second with a message. The file on
 * disk holds the edited text, the step records what the tool ran with, and the model reads the
 * denial in its next request.
 */
describe.skipIf(skipE2e || !mcpInstalled)('a tool call in the approvals inbox', () => {
  let app: BatonApp;
  let dataDir: string;
  let files: string;
  let model: ModelServer;
  let inbox: InboxPage | undefined;
  let page: Page;
  let runId: string;

  const pendingCall = async (tool: string): Promise<ApprovalView> => {
    let found: ApprovalView | undefined;
    await eventually(
      async () => {
        const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
        found = list.find((a) => a.tool_call?.tool === tool);
        return found !== undefined;
      },
      30_000,
      `a pending call of ${tool}`,
    );
    return found!;
  };
  const card = () => page.getByRole('region', { name: 'Approval for configure' });

  beforeAll(async () => {
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    dataDir = mkdtempSync(join(tmpdir(), 'baton-tool-inbox-'));
    files = mkdtempSync(join(tmpdir(), 'baton-tool-inbox-files-'));
    writeFileSync(join(files, 'service.toml'), CONFIG_BEFORE);
    writeFileSync(join(files, 'README.md'), README);
    model = await startChatServer({
      conversations: [
        {
          name: 'configure',
          turns: [
            {
              text: 'The service should listen on 8080 on every interface. I will write its config.',
              tools: [{ name: 'files__write_file', input: { path: 'service.toml', content: ASKED } }],
            },
            {
              text: 'Now the README.',
              tools: [
                {
                  name: 'fs__edit_file',
                  input: {
                    path: join(files, 'README.md'),
                    edits: [{ oldText: 'port 3000', newText: 'port 8080' }],
                  },
                },
              ],
            },
            { text: 'The config says port 8080; the README stays.' },
          ],
        },
      ],
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
          tools: [
            { kind: 'workspace', name: 'files', dir: files },
            { kind: 'mcp_stdio', name: 'fs', command: fsServer, args: [files] },
          ],
          tool_policy: [
            { tools: 'files/write_file', policy: 'ask' },
            { tools: 'fs/edit_file', policy: 'ask' },
          ],
        },
      ],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'service',
        tasks: [
          { task_id: 'configure', description: 'Move the service to port 8080', required_skills: ['ops'] },
        ],
      },
    });
    runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'service' })).run_id;
    await pendingCall('write_file');
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

  it('says who asks for which tool of which server, and what the agent said before asking', async () => {
    await card().waitFor();
    const facts = card().getByRole('definition');
    await expect
      .poll(() => facts.allTextContents())
      .toEqual(['Mila (mila)', 'configure, attempt 1', 'write_file', 'files']);
    expect(await card().getByLabel('What the agent said so far').textContent()).toBe(
      'The service should listen on 8080 on every interface. I will write its config.',
    );
    expect(await card().getByLabel('Arguments of write_file').inputValue()).toBe(
      JSON.stringify({ path: 'service.toml', content: ASKED }, null, 2),
    );
  });

  it('previews the write as a diff of the file now against the file after the call', async () => {
    const preview = card().getByRole('region', { name: 'Preview of the write to service.toml' });
    await preview.getByText('host = "0.0.0.0"').waitFor();
    expect(await preview.textContent()).toContain('port = 3000');
    expect(await preview.textContent()).toContain('port = 8080');
  });

  it('is readable in the light and the dark theme, the preview following the theme', async () => {
    const wrapper = card().locator('.diff-tailwindcss-wrapper');
    for (const scheme of ['dark', 'light'] as const) {
      await expectReadableIn(page, scheme, {}, () =>
        expect.poll(() => wrapper.getAttribute('data-theme')).toBe(scheme),
      );
      await page.screenshot({ path: join(shots, `tool-call-${scheme}.png`) });
    }
  });

  it('names what is wrong with arguments that are not a JSON object, and will not approve them', async () => {
    const args = card().getByLabel('Arguments of write_file');
    await args.fill('{"path": "service.toml", "content": }');
    const error = card().getByRole('alert');
    expect(await error.textContent()).toMatch(/^Arguments are not valid JSON: /);
    expect(await args.getAttribute('aria-invalid')).toBe('true');
    expect(await card().getByRole('button', { name: 'Edit and approve' }).isDisabled()).toBe(true);
    await args.fill('["service.toml"]');
    expect(await error.textContent()).toBe('Arguments must be a JSON object ({ … }), not an array');
  });

  it("holds edited arguments to the tool's input schema, naming the argument, here and on the host", async () => {
    const asked = await pendingCall('write_file');
    // The tool's schema travels with the call, as the tool declared it.
    expect(asked.tool_call?.input_schema).toMatchObject({ required: ['path', 'content'] });
    const args = card().getByLabel('Arguments of write_file');
    const approve = card().getByRole('button', { name: 'Edit and approve' });
    await args.fill(JSON.stringify({ path: 'service.toml' }, null, 2));
    const error = card().getByRole('alert');
    await expect
      .poll(() => error.textContent())
      .toBe("The edited arguments do not fit the tool's schema: content is required but missing");
    expect(await args.getAttribute('aria-invalid')).toBe('true');
    expect(await approve.isDisabled()).toBe(true);
    await args.fill(JSON.stringify({ path: 'service.toml', content: 8080 }, null, 2));
    await expect
      .poll(() => error.textContent())
      .toBe("The edited arguments do not fit the tool's schema: content must be a string, not a number");
    expect(await approve.isDisabled()).toBe(true);
    await page.screenshot({ path: join(shots, 'tool-call-schema.png') });
    // The host refuses them too, whoever sends them, naming the argument.
    const refused = await app.dispatch('approvals.decide', {
      approval_id: asked.id,
      decision: 'approve',
      actor: 'Ana',
      input: { path: 'service.toml', content: 8080 },
    });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('invalid_input');
      expect(refused.error.message).toContain('input.content: content must be a string, not a number');
    }
    expect((await pendingCall('write_file')).id).toBe(asked.id);
  });

  it('runs the call with the arguments a person edited and approved, and its step says so', async () => {
    const args = card().getByLabel('Arguments of write_file');
    await args.fill(JSON.stringify({ path: 'service.toml', content: EDITED }, null, 2));
    expect(await card().getByRole('alert').count()).toBe(0);
    // The preview follows the edit: the host line is no longer changed.
    const preview = card().getByRole('region', { name: 'Preview of the write to service.toml' });
    await expect.poll(async () => (await preview.textContent())?.includes('0.0.0.0')).toBe(false);
    await page.screenshot({ path: join(shots, 'tool-call-edit.png') });
    await card().getByRole('button', { name: 'Edit and approve' }).click();

    const readme = await pendingCall('edit_file');
    expect(readFileSync(join(files, 'service.toml'), 'utf8')).toBe(EDITED);
    const d = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    expect(d.tasks[0]!.status).toBe('in_progress');
    const steps = app.store.steps.list(runId, 'configure');
    const write = steps.find((s) => s.kind === 'tool_call' && s.name === 'write_file');
    // The step keeps what the model asked (its history on a resume) and says what ran instead.
    expect(write).toMatchObject({ status: 'done', input: { path: 'service.toml', content: ASKED } });
    expect(write?.kind === 'tool_call' && write.output).toContain(
      `[approved by Ana with edited arguments: ${JSON.stringify({ path: 'service.toml', content: EDITED })}]`,
    );
    const first = app.store.approvals.list().find((a) => a.id !== readme.id && a.kind === 'tool_call');
    expect(first).toMatchObject({ status: 'approved', actor: 'Ana' });
    expect(app.store.toolCalls.get(first!.id)?.edited_input).toEqual({
      path: 'service.toml',
      content: EDITED,
    });
  });

  it('previews an MCP filesystem edit_file and denies it with a message the model reads', async () => {
    const readmeCard = page.getByRole('region', { name: 'Approval for configure' });
    await expect.poll(() => readmeCard.getByRole('definition').nth(2).textContent()).toBe('edit_file');
    const preview = readmeCard.getByRole('region', { name: 'Preview of the write to README.md' });
    await preview.getByText('Runs on port 8080.').waitFor();
    expect(await preview.textContent()).toContain('Runs on port 3000.');
    await page.screenshot({ path: join(shots, 'tool-call-mcp-edit.png') });
    await readmeCard.getByLabel('Message to the agent of configure').fill(DENIAL);
    await readmeCard.getByRole('button', { name: 'Deny', exact: true }).click();
    // Denying asks first, with the message again (the model reads it).
    const ask = page.getByRole('alertdialog', { name: 'Deny edit_file?' });
    expect(await ask.getByLabel('Why deny edit_file (the model reads it)').inputValue()).toBe(DENIAL);
    await ask.getByRole('button', { name: 'Deny edit_file' }).click();

    await app.engine.whenSettled(runId);
    const d = await call<RunDetail>(app, 'runs.get', { run_id: runId });
    expect(d.tasks[0]).toMatchObject({
      status: 'done',
      output: { text: 'The config says port 8080; the README stays.' },
    });
    expect(readFileSync(join(files, 'README.md'), 'utf8')).toBe(README);
    const last = model.modelCalls('configure').at(-1)!.request!;
    expect(last.texts.join('\n')).toContain(`Denied by Ana: ${DENIAL}`);
  });

  it('shows a tool call whose asker stopped waiting as expired, with why, and nothing to decide', async () => {
    // A call asked the way Claude Code's permission prompt asks (inbox.ask), then given up on.
    await call(app, 'agents.import', { agents: [{ id: 'seat', kind: 'human', skills: ['code'] }] });
    await call(app, 'plans.import', {
      plan: { plan_id: 'seat', tasks: [{ task_id: 'edit', description: 'edit', required_skills: ['code'] }] },
    });
    const run = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'seat' })).run_id;
    await call(app, 'work.execute', { agent_id: 'seat', run_id: run, task_id: 'edit' });
    const at = { run_id: run, task_id: 'edit', attempt: 1 };
    const asked = await call<{ approval_id: string }>(app, 'inbox.ask', {
      ...at,
      question: {
        kind: 'tool_call',
        call_id: 'toolu_1',
        tool: 'Write',
        input: { file_path: '/w/a.txt', content: 'A' },
      },
    });
    await page.getByRole('region', { name: 'Approval for edit' }).waitFor();
    await call(app, 'inbox.expire', {
      ...at,
      approval_id: asked.approval_id,
      reason: 'Write: the CLI stopped waiting for the answer',
    });
    const expired = page.getByRole('region', { name: 'Expired approvals' });
    await expired.getByRole('listitem', { name: 'Expired approval for edit' }).waitFor();
    expect(await page.getByRole('region', { name: 'Approval for edit', exact: true }).count()).toBe(0);
    const text = await expired.textContent();
    expect(text).toContain('Expired while waiting (1)');
    expect(text).toContain('Write: the CLI stopped waiting for the answer');
    expect(await expired.getByRole('button').count()).toBe(0);
  });
});
