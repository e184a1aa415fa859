import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import { startServe } from '../e2e/serve-process.ts';
import { fixtureInstalled } from '../kit/fixtures.ts';
import { batonCli } from '../kit/mcp-kit.ts';
import { startAnthropicServer } from '../kit/model-servers/anthropic.ts';
import { eventually, removeAll, tempDir } from './loop-kit.ts';
import { makeRunDirs, runClaudeWithApprovals } from './run-claude.ts';

// Claude Code's tool calls reaching Baton's inbox: `claude -p --permission-prompt-tool
// mcp__baton__approve` with `baton mcp` (through a real `baton serve`) as its MCP server `baton`,
// for a task a pull agent holds. A person decides each call in Baton; claude does what they said.
const installed = fixtureInstalled('coding-agents') && fixtureInstalled('mcp');

const closers: (() => Promise<void> | void)[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await removeAll(dirs);
});

describe.skipIf(!installed)("Claude Code's permission prompt through Baton", () => {
  it('each Write claude asks about waits in the inbox: approved with edited arguments (the edit runs), denied (the model reads why)', async () => {
    const dataDir = tempDir('baton-claude-approve-', dirs);
    const serve = await startServe(dataDir);
    closers.push(() => serve.stop());
    const url = new URL(serve.url);
    const token = url.searchParams.get('token')!;
    const rpc = async <T>(method: string, input: unknown): Promise<T> => {
      const res = await fetch(`${url.origin}/api/rpc/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      const body = (await res.json()) as { ok?: boolean; value?: T; error?: { message: string } };
      if (!res.ok || body.error) throw new Error(`${method}: ${body.error?.message ?? res.status}`);
      return body.value as T;
    };
    await rpc('agents.import', {
      agents: [{ id: 'claude-seat', name: 'Claude', kind: 'human', skills: ['code'] }],
    });
    await rpc('plans.import', {
      plan: {
        plan_id: 'p',
        tasks: [{ task_id: 'edit', description: 'edit files', required_skills: ['code'] }],
      },
    });
    const { run_id: run } = await rpc<{ run_id: string }>('runs.start', { plan_id: 'p' });
    await rpc('work.execute', { agent_id: 'claude-seat', task_id: 'edit', run_id: run });

    const runDirs = makeRunDirs('claude-approve');
    closers.push(() => runDirs.remove());
    const at = (f: string) => join(runDirs.repo, f);
    const model = await startAnthropicServer({
      conversations: [
        {
          name: 'edit',
          turns: [
            {
              text: 'Writing a.',
              tools: [{ name: 'Write', input: { file_path: at('a.txt'), content: 'A\n' } }],
            },
            { tools: [{ name: 'Write', input: { file_path: at('b.txt'), content: 'B\n' } }] },
            { text: 'Done.' },
          ],
        },
      ],
    });
    closers.push(() => model.close());

    // The person's side: decide each call as it reaches the inbox.
    const decided: ApprovalView[] = [];
    const person = (async () => {
      const seen = new Set<string>();
      const next = async () => {
        let found: ApprovalView | undefined;
        await eventually(
          async () => {
            found = (await rpc<ApprovalView[]>('approvals.list', { status: 'pending' })).find(
              (a) => !seen.has(a.id),
            );
            return found !== undefined;
          },
          90_000,
          'an approval from claude',
        );
        seen.add(found!.id);
        decided.push(found!);
        return found!;
      };
      const first = await next();
      await rpc('approvals.decide', {
        approval_id: first.id,
        decision: 'approve',
        actor: 'ana',
        input: { file_path: at('c.txt'), content: 'C (edited by ana)\n' },
      });
      const second = await next();
      await rpc('approvals.decide', {
        approval_id: second.id,
        decision: 'reject',
        actor: 'ana',
        comment: 'no b here',
      });
    })();

    const result = await runClaudeWithApprovals({
      dirs: runDirs,
      modelUrl: model.url,
      prompt: 'Write the files.',
      mcpServers: {
        baton: {
          type: 'stdio',
          command: process.execPath,
          args: [batonCli, 'mcp', '--data-dir', dataDir],
          env: { BATON_RUN_ID: run, BATON_TASK_ID: 'edit', BATON_ATTEMPT: '1' },
          timeout: 86_400_000,
        },
      },
      timeoutMs: 180_000,
    });
    await person;
    expect(result.timedOut, result.stderr).toBe(false);
    expect(result.code, result.stderr).toBe(0);

    // What the person saw: the call, for the task the pull agent holds.
    expect(decided[0]).toMatchObject({
      kind: 'tool_call',
      run_id: run,
      task_id: 'edit',
      reason: 'Claude wants to call Write',
      tool_call: {
        tool: 'Write',
        server: null,
        input: { file_path: at('a.txt'), content: 'A\n' },
        attempt: 1,
      },
    });
    expect(decided[1]!.tool_call).toMatchObject({ tool: 'Write', input: { file_path: at('b.txt') } });
    // The edited call ran instead of the asked one; the denied one did not run.
    expect(readFileSync(at('c.txt'), 'utf8')).toBe('C (edited by ana)\n');
    expect(existsSync(at('a.txt'))).toBe(false);
    expect(existsSync(at('b.txt'))).toBe(false);
    const end = result.events.find((e) => e.type === 'result') as {
      permission_denials?: { tool_name: string }[];
    };
    expect(end.permission_denials?.map((d) => d.tool_name)).toEqual(['Write']);
    const last = model.requests.filter((r) => r.request).at(-1)!.request!;
    expect(last.texts.join('\n')).toContain('Denied by ana: no b here');
    // Both decisions are stored, by the person.
    const all = await rpc<ApprovalView[]>('approvals.list', {});
    expect(all.filter((a) => a.kind === 'tool_call').map((a) => [a.status, a.actor])).toEqual([
      ['approved', 'ana'],
      ['rejected', 'ana'],
    ]);
  });
});
