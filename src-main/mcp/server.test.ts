import { Client } from '@modelcontextprotocol/client';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { contract } from '../../src-shared/contract/index.ts';
import { call, setup } from '../../test/kit/engine-kit.ts';
import type { AttemptIdentity } from '../agents/coding/attempt/attempt-links.ts';
import type { BatonApp } from '../app/create-app.ts';
import { createApp } from '../app/create-app.ts';
import { createCallClient } from '../app/memory-transport.ts';
import { MCP_METHODS, mcpClient } from './mcp-client.ts';
import { createBatonMcpServer } from './server.ts';
import { defineTool, READ_ONLY } from './tool.ts';
import { BATON_TOOLS } from './tools/index.ts';

let app: BatonApp | undefined;
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await app?.close();
  app = undefined;
});

/** The SDK's client connected in memory to Baton's MCP server over an app on `:memory:`. */
async function connect(
  opts: { log?: (line: string) => void; tools?: typeof BATON_TOOLS; attempt?: AttemptIdentity } = {},
) {
  app = createApp({ dataDir: ':memory:', log: () => {} });
  const server = createBatonMcpServer(mcpClient(createCallClient(app.dispatch)), {
    version: '0.0.0-test',
    log: opts.log ?? (() => {}),
    ...(opts.tools ? { tools: opts.tools } : {}),
    ...(opts.attempt ? { attempt: opts.attempt } : {}),
  });
  const [serverSide, clientSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'test', version: '0' });
  await client.connect(clientSide);
  closers.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

const textOf = (r: { content?: unknown }) =>
  ((r.content as { type: string; text?: string }[] | undefined) ?? []).map((c) => c.text ?? '').join('');

describe("Baton's MCP server", () => {
  it('lists every tool with its description and all four hints stated', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    const hints = Object.fromEntries(
      tools.map((t) => {
        const a = t.annotations ?? {};
        const flags = [
          a.readOnlyHint ? 'read-only' : 'writes',
          a.destructiveHint ? 'destructive' : 'additive',
          a.idempotentHint ? 'idempotent' : 'repeats',
          a.openWorldHint ? 'open world' : 'closed',
        ];
        return [t.name, flags.join(', ')];
      }),
    );
    expect(hints).toEqual({
      list_plans: 'read-only, additive, idempotent, closed',
      get_plan: 'read-only, additive, idempotent, closed',
      list_runs: 'read-only, additive, idempotent, closed',
      get_run: 'read-only, additive, idempotent, closed',
      start_run: 'writes, additive, repeats, open world',
      add_task: 'writes, additive, idempotent, open world',
      read_memory: 'read-only, additive, idempotent, closed',
      search_memory: 'read-only, additive, idempotent, closed',
      write_memory: 'writes, additive, repeats, closed',
      next_task: 'read-only, additive, idempotent, closed',
      task_context: 'read-only, additive, idempotent, closed',
    });
    for (const t of tools) {
      expect(t.description?.length, t.name).toBeGreaterThan(60);
      expect(t.inputSchema).toMatchObject({ type: 'object', additionalProperties: false });
      // Every hint is stated, none left to the spec's cautious defaults.
      expect(Object.keys(t.annotations ?? {}).sort(), t.name).toEqual(
        ['destructiveHint', 'idempotentHint', 'openWorldHint', 'readOnlyHint', 'title'].sort(),
      );
    }
  });

  it('offers no tool that decides an approval, and reaches no contract method that can', async () => {
    const client = await connect();
    const { tools } = await client.listTools();
    expect(tools.filter((t) => /approv|decide|reject/i.test(`${t.name} ${t.title}`))).toEqual([]);
    expect(MCP_METHODS.filter((m) => !m.startsWith('approvals.'))).toEqual([...MCP_METHODS]);
    // Every method the MCP surface reaches exists; approvals.decide is not among them.
    for (const m of MCP_METHODS) expect(Object.hasOwn(contract, m), m).toBe(true);
    expect(MCP_METHODS).not.toContain('approvals.decide');
    // Asked by name, as a client that guesses would: no such tool.
    const asked = await client
      .callTool({
        name: 'approvals.decide',
        arguments: { approval_id: 'x', decision: 'approve', actor: 'a' },
      })
      .then(
        (r) => textOf(r),
        (e: unknown) => String(e),
      );
    expect(asked).toMatch(/Tool approvals\.decide not found/);
    // And the client the tools are given refuses it at run time too (the type already does).
    const narrowed = mcpClient(createCallClient(app!.dispatch));
    const invoke = narrowed.invoke as (method: string, input: unknown) => Promise<unknown>;
    await expect(
      invoke('approvals.decide', { approval_id: 'x', decision: 'approve', actor: 'a' }),
    ).rejects.toMatchObject({
      code: 'unknown_method',
      message: 'approvals.decide is not reachable over MCP',
    });
  });

  it('answers bad input with a tool error naming the field, and a contract refusal with its code', async () => {
    const client = await connect();
    const bad = await client.callTool({ name: 'next_task', arguments: { run_id: 'r', limit: 0 } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad)).toMatch(/agent_id/);
    expect(textOf(bad)).toMatch(/limit/);
    const extra = await client.callTool({ name: 'get_plan', arguments: { plan_id: 'p', planid: 'p' } });
    expect(extra.isError).toBe(true);
    expect(textOf(extra)).toContain('planid');
    const missing = await client.callTool({ name: 'get_plan', arguments: { plan_id: 'nope' } });
    expect(missing).toMatchObject({ isError: true });
    expect(textOf(missing)).toBe('not_found: plan "nope" not found');
    const nested = await client.callTool({
      name: 'add_task',
      arguments: { run_id: 'r', agent_id: 'me', task: { task_id: 'bad id', description: 'x' } },
    });
    expect(nested.isError).toBe(true);
    expect(textOf(nested)).toMatch(/task\.task_id/);
  });

  it('answers an unexpected failure with a tool error and one log line, and goes on serving', async () => {
    const lines: string[] = [];
    const broken = defineTool({
      name: 'broken',
      title: 'Broken',
      description: 'Fails.',
      input: contract['plans.list'].input,
      hints: READ_ONLY,
      call: () => Promise.reject(new TypeError('no such thing')),
    });
    const client = await connect({ log: (l) => lines.push(l), tools: [broken, ...BATON_TOOLS] });
    const r = await client.callTool({ name: 'broken', arguments: {} });
    expect(r).toMatchObject({ isError: true });
    expect(textOf(r)).toBe('broken failed: internal error');
    expect(lines).toEqual([expect.stringContaining('baton mcp: broken failed: TypeError: no such thing')]);
    expect(JSON.parse(textOf(await client.callTool({ name: 'list_plans', arguments: {} })))).toEqual([]);
  });

  it("offers approve (Claude Code's permission prompt) only when it speaks for a task attempt: it asks a person, it decides nothing", async () => {
    const client = await connect({ attempt: { run_id: 'r', task_id: 't', attempt: 1 } });
    const { tools } = await client.listTools();
    const approve = tools.find((t) => t.name === 'approve');
    expect(approve?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: true,
    });
    expect(approve?.description).toContain('Decides nothing itself.');
    // The attempt is not running here: a tool error, nothing asked.
    const r = await client.callTool({
      name: 'approve',
      arguments: { tool_name: 'Write', input: { file_path: '/tmp/x' }, tool_use_id: 'toolu_1' },
    });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('not_found');
    expect(app!.store.approvals.list()).toEqual([]);
  });

  it('speaks for a task attempt with approve alone: every other tool is unknown there and changes nothing', async () => {
    const client = await connect({ attempt: { run_id: 'r', task_id: 't', attempt: 1 } });
    await call(app!, 'plans.import', {
      plan: { plan_id: 'release', tasks: [{ task_id: 'ship', description: 'Ship it' }] },
    });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['approve']);
    // Arguments each tool would take: refused as unknown, not as bad input.
    const args: Record<string, Record<string, unknown>> = {
      start_run: { plan_id: 'release' },
      list_plans: {},
      get_plan: { plan_id: 'release' },
      write_memory: { agent_id: 'me', content: 'forged' },
      next_task: { agent_id: 'me' },
    };
    for (const t of BATON_TOOLS.filter((t) => t.name !== 'approve')) {
      const answer = await client.callTool({ name: t.name, arguments: args[t.name] ?? {} }).then(
        (r) => textOf(r),
        (e: unknown) => String(e),
      );
      expect(answer, t.name).toMatch(new RegExp(`Tool ${t.name} not found`));
    }
    expect(await call(app!, 'runs.list', {})).toEqual([]);
    expect(await call(app!, 'memory.search', { query: 'forged' })).toEqual([]);
  });

  it('takes, reports on and completes no task: no tool acts as an agent, nor as a person', async () => {
    const client = await connect();
    const runId = await setup(app!, [{ id: 'ana', kind: 'human', skills: ['release'] }], {
      plan_id: 'release',
      tasks: [
        {
          task_id: 'sign-off',
          description: 'Sign off the release',
          required_skills: ['release'],
          agent: 'ana',
        },
      ],
    });
    const names = (await client.listTools()).tools.map((t) => t.name);
    for (const name of ['take_task', 'report_progress', 'complete_task']) {
      expect(names).not.toContain(name);
      const answer = await client
        .callTool({
          name,
          arguments: {
            agent_id: 'ana',
            run_id: runId,
            task_id: 'sign-off',
            status: 'completed',
            progress: 50,
          },
        })
        .then(
          (r) => textOf(r),
          (e: unknown) => String(e),
        );
      expect(answer, name).toMatch(new RegExp(`Tool ${name} not found`));
    }
    for (const m of ['work.execute', 'work.progress', 'work.complete'])
      expect(MCP_METHODS as readonly string[]).not.toContain(m);
    const narrowed = mcpClient(createCallClient(app!.dispatch));
    const invoke = narrowed.invoke as (method: string, input: unknown) => Promise<unknown>;
    await expect(
      invoke('work.execute', { agent_id: 'ana', run_id: runId, task_id: 'sign-off' }),
    ).rejects.toMatchObject({ code: 'unknown_method' });
    // The person's task waits for the person, untouched.
    const run = await call<{
      status: string;
      tasks: { task_id: string; status: string; agent_id: string | null }[];
    }>(app!, 'runs.get', { run_id: runId });
    expect(run.status).toBe('executing');
    expect(run.tasks).toMatchObject([{ task_id: 'sign-off', status: 'ready', agent_id: null }]);
  });
});
