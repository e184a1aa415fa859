import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { createCallClient } from '../../src-main/app/memory-transport.ts';
import { rendererDir } from '../../src-main/cli/files.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { createMcpEndpoint } from '../../src-main/mcp/http.ts';
import type { Approval, ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { AuditEntry } from '../../src-shared/schemas/memory.ts';
import { fixtureInstalled } from '../kit/fixtures.ts';
import { startAnthropicServer } from '../kit/model-servers/anthropic.ts';
import { call, eventually } from './loop-kit.ts';
import { makeRunDirs, runClaudeWithApprovals } from './run-claude.ts';

// A tool call Claude Code stopped waiting for: its call to Baton's approve tool (/mcp, reached as
// the attempt through an attempt link) passes the per-server "timeout" while nobody answers.
// The approval expires: audited, out of the pending inbox, and deciding it says it expired.
const installed = fixtureInstalled('coding-agents') && fixtureInstalled('mcp');

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe.skipIf(!installed)('a tool call Claude Code stopped waiting for', () => {
  it('expires: audited, no longer pending, and deciding it is refused saying it expired', async () => {
    const app: BatonApp = createApp({ dataDir: ':memory:', log: () => {} });
    closers.push(() => app.close());
    const host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir,
      mcp: createMcpEndpoint(createCallClient(app.dispatch), { version: 'test', log: () => {} }),
      mcpLinks: app.mcpLinks,
    });
    closers.push(() => host.close());
    await call(app, 'agents.import', {
      agents: [{ id: 'seat', name: 'Claude', kind: 'human', skills: ['code'] }],
    });
    await call(app, 'plans.import', {
      plan: { plan_id: 'p', tasks: [{ task_id: 'edit', description: 'edit', required_skills: ['code'] }] },
    });
    const runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' })).run_id;
    await call(app, 'work.execute', { agent_id: 'seat', run_id: runId, task_id: 'edit' });
    const link = app.mcpLinks.open({ run_id: runId, task_id: 'edit', attempt: 1 })!;
    closers.push(() => link.close());

    const dirs = makeRunDirs('claude-expired');
    closers.push(() => dirs.remove());
    const file = join(dirs.repo, 'a.txt');
    const model = await startAnthropicServer({
      conversations: [
        {
          name: 'edit',
          turns: [
            { text: 'Writing a.', tools: [{ name: 'Write', input: { file_path: file, content: 'A\n' } }] },
            { text: 'Nobody answered; I leave a.txt alone.' },
          ],
        },
      ],
    });
    closers.push(() => model.close());

    // Nobody answers: claude gives up on the call after its per-server timeout.
    const result = await runClaudeWithApprovals({
      dirs,
      modelUrl: model.url,
      prompt: 'Write a.txt.',
      mcpServers: {
        baton: {
          type: 'http',
          url: link.url,
          headers: { Authorization: `Bearer ${link.token}` },
          timeout: 3_000,
        },
      },
      timeoutMs: 120_000,
    });
    expect(result.timedOut, result.stderr).toBe(false);
    expect(existsSync(file)).toBe(false);
    // The model was told the call failed (not that a person denied it).
    const told = model.modelCalls('edit').at(-1)!.request!.texts.join('\n');
    expect(told).toMatch(/timed out/i);

    let expired: Approval | undefined;
    await eventually(
      async () => {
        const all = await call<Approval[]>(app, 'approvals.list', {});
        expired = all.find((a) => a.kind === 'tool_call' && a.status === 'expired');
        return expired !== undefined;
      },
      30_000,
      'the approval to expire',
    );
    expect(expired).toMatchObject({ run_id: runId, task_id: 'edit', actor: 'seat (MCP)' });
    expect(expired!.comment).toBe(
      'Write: the CLI stopped waiting for the answer (its call to the approve tool timed out or was cancelled)',
    );
    expect(await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' })).toEqual([]);
    const audit = await call<AuditEntry[]>(app, 'audit.list', { run_id: runId, limit: 100 });
    expect(
      audit.find((e) => e.entity === 'approval' && e.entity_id === expired!.id && e.to_status === 'expired'),
    ).toMatchObject({ from_status: 'pending', actor: 'seat (MCP)' });
    await expect(
      call(app, 'approvals.decide', { approval_id: expired!.id, decision: 'approve', actor: 'Ana' }),
    ).rejects.toThrow(
      `approval "${expired!.id}" expired at ${expired!.decided_at}: Write: the CLI stopped waiting`,
    );
  });
});
