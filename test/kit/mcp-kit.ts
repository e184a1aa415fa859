import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { expect } from 'vitest';
import { createApp } from '../../src-main/app/create-app.ts';
import { eventually } from './engine-kit.ts';

export const root = join(import.meta.dirname, '..', '..');
export const batonCli = join(root, 'src-main', 'cli', 'baton.js');

/**
 * What the tests of Baton's MCP server work on: an echo agent (its tasks finish at once), a person
 * whose work the work tools show (she takes and finishes it in Baton, never over MCP), a plan for
 * each, and a rules decider allowing two added tasks.
 */
export const AGENTS = [
  { id: 'ash', skills: ['summarization'] },
  { id: 'hana', kind: 'human', skills: ['review'] },
];
export const PLANS = [
  {
    plan_id: 'p-echo',
    goal: 'Summarise the lighthouse onboarding notes',
    tasks: [
      {
        task_id: 'summarise',
        description: 'Summarise the lighthouse notes',
        required_skills: ['summarization'],
      },
      {
        task_id: 'recap',
        description: 'Recap the summary',
        required_skills: ['summarization'],
        depends_on: ['summarise'],
      },
    ],
  },
  {
    plan_id: 'p-review',
    decider: { kind: 'rules', max_created_tasks: 2 },
    tasks: [{ task_id: 'review', description: 'Review the draft', required_skills: ['review'] }],
  },
];

/** Stores AGENTS and PLANS in a data directory (as the app would), then closes it. */
export async function seedDataDir(dir: string): Promise<void> {
  const app = createApp({ dataDir: dir, resume: false, log: () => {} });
  try {
    for (const [method, input] of [
      ['agents.import', { agents: AGENTS }],
      ...PLANS.map((plan) => ['plans.import', { plan }] as const),
    ] as const) {
      const r = await app.dispatch(method, input);
      if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    }
  } finally {
    await app.close();
  }
}

/** `baton mcp --data-dir dir` as a real child process, with the SDK's stdio client connected. */
export async function connectStdio(dir: string) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [batonCli, 'mcp', '--data-dir', dir],
    env: { BATON_DATA_DIR: dir },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const client = new Client({ name: 'baton-test', version: '0.0.0' });
  await client.connect(transport, { timeout: 30_000 });
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** The SDK's streamable HTTP client on a host's `/mcp`, with the token as a bearer header. */
export async function connectHttp(baseUrl: string, token: string) {
  const client = new Client({ name: 'baton-test', version: '0.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL('mcp', baseUrl), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
  });
  await client.connect(transport, { timeout: 30_000 });
  return { client, close: () => client.close() };
}

type CallResult = Awaited<ReturnType<Client['callTool']>>;

export const textOf = (r: CallResult): string =>
  ((r.content as { type: string; text?: string }[] | undefined) ?? []).map((c) => c.text ?? '').join('');

/** A tool's JSON answer; a tool error fails the test with its text. */
export async function tool<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const r = await client.callTool({ name, arguments: args });
  if (r.isError) throw new Error(`${name} answered a tool error: ${textOf(r)}`);
  return JSON.parse(textOf(r)) as T;
}

/** A tool's error text; an answer that is no error fails the test. */
export async function toolError(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<string> {
  const r = await client.callTool({ name, arguments: args });
  expect(r.isError, `${name} should have answered a tool error, answered ${textOf(r)}`).toBe(true);
  return textOf(r);
}

export interface RunView {
  id: string;
  status: string;
  tasks: { task_id: string; status: string; agent_id: string | null; output: unknown }[];
}

/** get_run until the run has ended. */
export async function runEnded(client: Client, runId: string): Promise<RunView> {
  let run: RunView | undefined;
  await eventually(
    async () => {
      run = await tool<RunView>(client, 'get_run', { run_id: runId });
      return run.status !== 'executing';
    },
    20_000,
    `run ${runId} ended`,
  );
  return run!;
}
