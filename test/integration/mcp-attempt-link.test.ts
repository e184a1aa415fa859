import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttemptLink } from '../../src-main/agents/coding/attempt/attempt-links.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { createCallClient } from '../../src-main/app/memory-transport.ts';
import { rendererDir } from '../../src-main/cli/files.ts';
import type { BrowserHost } from '../../src-main/host/browser/server.ts';
import { startBrowserHost } from '../../src-main/host/browser/server.ts';
import { startCallbackHost } from '../../src-main/host/rest/callback-host.ts';
import { createMcpEndpoint } from '../../src-main/mcp/http.ts';
import { BATON_TOOLS } from '../../src-main/mcp/tools/index.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { connectHttp, textOf } from '../kit/mcp-kit.ts';

/**
 * `/mcp` over streamable HTTP for one task attempt: the host's attempt links (what the coding
 * executor gives Claude Code) open `/mcp` as that attempt, so its `approve` tool asks about that
 * attempt's calls, and nothing else; the launch token's `/mcp` speaks for no attempt and offers no
 * `approve`; a link's token opens nothing else, and nothing once its attempt is over. No token
 * takes or completes a person's task over MCP.
 */
describe('/mcp for one task attempt', () => {
  let app: BatonApp;
  let host: BrowserHost;
  let runId: string;
  let link: AttemptLink;

  beforeAll(async () => {
    app = createApp({ dataDir: ':memory:', log: () => {} });
    host = await startBrowserHost({
      dispatch: app.dispatch,
      bus: app.bus,
      rendererDir,
      mcp: createMcpEndpoint(createCallClient(app.dispatch), { version: 'test', log: () => {} }),
      mcpLinks: app.mcpLinks,
    });
    // A task a person's seat holds: its attempt 1 runs, as a coding CLI's would.
    await call(app, 'agents.import', { agents: [{ id: 'seat', kind: 'human', skills: ['code'] }] });
    await call(app, 'plans.import', {
      plan: { plan_id: 'p', tasks: [{ task_id: 'edit', description: 'edit', required_skills: ['code'] }] },
    });
    runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' })).run_id;
    await call(app, 'work.execute', { agent_id: 'seat', run_id: runId, task_id: 'edit' });
    link = app.mcpLinks.open({ run_id: runId, task_id: 'edit', attempt: 1 })!;
  });
  afterAll(async () => {
    await host?.close();
    await app?.close();
  });

  it('is where the host serves /mcp', () => {
    expect(link.url).toBe(new URL('/mcp', host.url).href);
  });

  it('offers approve with an attempt link, which asks about that attempt’s call and answers the person’s decision', async () => {
    const mcp = await connectHttp(host.url, link.token);
    try {
      const { tools } = await mcp.client.listTools();
      expect(tools.map((t) => t.name)).toEqual(['approve']);
      const answer = mcp.client.callTool({
        name: 'approve',
        arguments: {
          tool_name: 'Write',
          input: { file_path: '/w/a.txt', content: 'A' },
          tool_use_id: 'toolu_1',
        },
      });
      let asked: ApprovalView | undefined;
      await eventually(async () => {
        const list = await call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });
        asked = list.find((a) => a.kind === 'tool_call');
        return asked !== undefined;
      });
      expect(asked).toMatchObject({ run_id: runId, task_id: 'edit' });
      expect(asked!.tool_call).toMatchObject({ attempt: 1, call_id: 'toolu_1', tool: 'Write', server: null });
      await call(app, 'approvals.decide', {
        approval_id: asked!.id,
        decision: 'approve',
        actor: 'Ana',
        input: { file_path: '/w/a.txt', content: 'B' },
      });
      const r = await answer;
      expect(r.isError).toBeFalsy();
      expect(JSON.parse(textOf(r))).toEqual({
        behavior: 'allow',
        updatedInput: { file_path: '/w/a.txt', content: 'B' },
      });
    } finally {
      await mcp.close();
    }
  });

  it('offers approve alone with an attempt link: every other tool is unknown, and a person’s task is neither taken nor completed', async () => {
    // A person's task in another run: "sign off the release", pinned to Ana.
    await call(app, 'agents.import', { agents: [{ id: 'ana', kind: 'human', skills: ['release'] }] });
    await call(app, 'plans.import', {
      plan: {
        plan_id: 'release',
        tasks: [
          {
            task_id: 'sign-off',
            description: 'Sign off the release',
            required_skills: ['release'],
            agent: 'ana',
          },
        ],
      },
    });
    const release = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'release' })).run_id;
    const runsBefore = (await call<unknown[]>(app, 'runs.list', {})).length;
    const asAna = { agent_id: 'ana', run_id: release, task_id: 'sign-off' };
    // What a fake CLI holding the link would call, with arguments each tool takes.
    const attempts: [string, Record<string, unknown>][] = [
      ...BATON_TOOLS.filter((t) => t.name !== 'approve').map(
        (t) => [t.name, {}] as [string, Record<string, unknown>],
      ),
      ['list_plans', {}],
      ['start_run', { plan_id: 'release' }],
      ['next_task', { agent_id: 'ana' }],
      ['write_memory', { agent_id: 'ana', content: 'Release signed off' }],
      ['take_task', asAna],
      ['report_progress', { ...asAna, progress: 100 }],
      ['complete_task', { ...asAna, status: 'completed', output: 'signed off' }],
    ];
    const refused = async (token: string, names: readonly string[]) => {
      const mcp = await connectHttp(host.url, token);
      try {
        for (const [name, args] of attempts.filter(([n]) => names.includes(n))) {
          const answer = await mcp.client.callTool({ name, arguments: args }).then(
            (r) => (r.isError ? textOf(r) : `answered: ${textOf(r)}`),
            (e: unknown) => String(e),
          );
          expect(answer, name).toMatch(new RegExp(`Tool ${name} not found`));
        }
        return (await mcp.client.listTools()).tools.map((t) => t.name);
      } finally {
        await mcp.close();
      }
    };
    // The link: approve, and nothing else at all.
    expect(
      await refused(
        link.token,
        attempts.map(([n]) => n),
      ),
    ).toEqual(['approve']);
    // The launch token's /mcp (a person's assistant) takes and finishes no task either.
    const withLaunchToken = await refused(host.token, ['take_task', 'report_progress', 'complete_task']);
    expect(withLaunchToken).toContain('list_plans');
    expect(withLaunchToken).not.toContain('take_task');
    // Nothing happened: no run started, no note written, Ana's task waits for her.
    expect(await call<unknown[]>(app, 'runs.list', {})).toHaveLength(runsBefore);
    expect(await call(app, 'memory.search', { query: 'signed' })).toEqual([]);
    const run = await call<{
      status: string;
      tasks: { task_id: string; status: string; agent_id: string | null }[];
    }>(app, 'runs.get', { run_id: release });
    expect(run.status).toBe('executing');
    expect(run.tasks).toMatchObject([{ task_id: 'sign-off', status: 'ready', agent_id: null }]);
  });

  it('with the launch token /mcp speaks for no attempt: no approve', async () => {
    const mcp = await connectHttp(host.url, host.token);
    try {
      const { tools } = await mcp.client.listTools();
      expect(tools.map((t) => t.name)).not.toContain('approve');
      expect(tools.map((t) => t.name)).toContain('list_plans');
    } finally {
      await mcp.close();
    }
  });

  it('a link’s token opens nothing but /mcp, and nothing once its attempt is over', async () => {
    const api = await fetch(new URL('/api/rpc/approvals.list', host.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${link.token}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(api.status).toBe(401);
    link.close();
    await expect(connectHttp(host.url, link.token)).rejects.toThrow(/401|authoriz/i);
  });
});

/** The desktop app has no browser host: its callback host serves /mcp to attempt links alone. */
describe('/mcp on the desktop app’s callback host', () => {
  it('speaks for an attempt link’s attempt, and refuses any other request', async () => {
    const app = createApp({ dataDir: ':memory:', log: () => {} });
    const host = await startCallbackHost(app.agentCallbacks, {
      mcp: {
        endpoint: createMcpEndpoint(createCallClient(app.dispatch), { version: 'test', log: () => {} }),
        links: app.mcpLinks,
      },
    });
    try {
      const link = app.mcpLinks.open({ run_id: 'r', task_id: 't', attempt: 1 })!;
      expect(link.url).toBe(new URL('/mcp', host.url).href);
      const mcp = await connectHttp(host.url, link.token);
      try {
        expect((await mcp.client.listTools()).tools.map((t) => t.name)).toEqual(['approve']);
      } finally {
        await mcp.close();
      }
      const post = (headers: Record<string, string>) =>
        fetch(link.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: '{}',
        });
      expect((await post({})).status).toBe(401);
      expect((await post({ authorization: 'Bearer bta_nope' })).status).toBe(401);
      expect(
        (await post({ authorization: `Bearer ${link.token}`, origin: 'http://evil.example' })).status,
      ).toBe(403);
    } finally {
      await host.close();
      app.close();
    }
    expect(app.mcpLinks.open({ run_id: 'r', task_id: 't', attempt: 1 })).toBeNull();
  });
});
