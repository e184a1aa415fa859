import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import { installed, openBaton, waitFor } from '../coding-agents/baton-kit.ts';
import { call } from '../kit/engine-kit.ts';
import { chromiumFound, removeDataDir, shots, skipE2e } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';
import { expectReadableIn } from './readability.ts';

/**
 * The diff review of an attempt that changed a protected path its workspace opens on purpose
 * (`allow_protected_writes: [".vscode"]`): a small ACP agent (the SDK's agent side, no model)
 * writes `.vscode/tasks.json` and a file of its own through Baton; the review says, above the
 * diff, which changed files are protected.
 */
describe.skipIf(skipE2e || !installed)('reviewing a diff that changes a protected path', () => {
  let baton: ReturnType<typeof openBaton>;
  let inbox: InboxPage | undefined;
  let page: Page;
  let review: ApprovalView | undefined;
  // Made once the suite runs (not when it is collected: a skipped suite runs no afterAll).
  let scripts = '';

  beforeAll(async () => {
    scripts = mkdtempSync(join(tmpdir(), 'baton-e2e-acp-'));
    if ('missing' in chromiumFound) throw new Error(chromiumFound.missing);
    const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;
    const script = join(scripts, 'agent.mjs');
    writeFileSync(
      script,
      `import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
let cwd = '';
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: {} }))
  .onRequest('session/new', ({ params }) => { cwd = params.cwd; return { sessionId: 'vs-1' }; })
  .onRequest('session/prompt', async ({ params, client }) => {
    const s = params.sessionId;
    await client.request('fs/write_text_file', { sessionId: s, path: cwd + '/.vscode/tasks.json', content: '{"tasks":[]}\\n' });
    await client.request('fs/write_text_file', { sessionId: s, path: cwd + '/build.md', content: 'How to build.\\n' });
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`,
    );
    baton = openBaton();
    const { app, repo } = baton;
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo, allow_protected_writes: ['.vscode'] });
    await call(app, 'agents.import', {
      agents: [
        {
          id: 'editor',
          kind: 'coding',
          cli: 'acp',
          protocol: 'acp',
          executable: process.execPath,
          args: [script],
          skills: ['code'],
        },
      ],
    });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'tasks',
        workspace: 'app',
        tasks: [
          { task_id: 'tasks', description: 'Add the build tasks', required_skills: ['code'], review: 'diff' },
        ],
      },
    });
    await call(app, 'runs.start', { plan_id: 'tasks' });
    await waitFor(
      () => review !== undefined,
      60_000,
      async () => {
        const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
        review = list.find((a) => a.kind === 'diff_review');
      },
    );
    inbox = await openInbox(app, baton.dir);
    ({ page } = inbox);
  }, 120_000);
  afterAll(async () => {
    await inbox?.close();
    await baton?.app.close();
    if (baton) await removeDataDir(baton.dir);
    baton?.repo.cleanup();
    if (scripts) rmSync(scripts, { recursive: true, force: true });
  });

  it('says which changed files are protected, above the diff', async () => {
    expect(review!.diff?.protected_files).toEqual(['.vscode/tasks.json']);
    const card = page.getByRole('region', { name: 'Approval for tasks' });
    const note = card.getByRole('note', { name: 'Protected files changed' });
    await note.waitFor();
    expect(await note.textContent()).toBe(
      '1 protected file changed: .vscode/tasks.json. Editors, shells and coding agents run what these hold: read them before you approve.',
    );
    for (const scheme of ['light', 'dark'] as const)
      await expectReadableIn(page, scheme, { screen: 'diff review, protected files' });
    await card.screenshot({ path: join(shots, 'diff-review-protected.png') });
  });
});
