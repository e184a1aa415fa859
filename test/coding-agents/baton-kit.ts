import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { AgentInput } from '../../src-shared/schemas/agent.ts';
import { call } from '../kit/engine-kit.ts';
import { fixtureInstalled } from '../kit/fixtures.ts';
import type {
  Conversation,
  ModelRequest,
  ModelServer,
  ToolCall,
  Turn,
} from '../kit/model-servers/scripted-server.ts';
import type { CliDefinition, CliName } from './clis.ts';
import { CLIS, packageDir } from './clis.ts';
import { startModelServer } from './model-server-for.ts';
import { startPhoneHomeTrap } from './phone-home-trap.ts';

/**
 * Baton driving the real coding CLIs (test/coding-agents/README.md) against scripted model
 * servers: one server per wire protocol for a whole test file (opencode and qwen share the chat
 * one, their conversations told apart by model), coding agents registered with a provider
 * pointing at them, a temp git repository as the workspace.
 */

/** Whether the CLIs are installed (test/kit/fixtures.ts): the files that use this kit skip without them. */
export const installed = fixtureInstalled('coding-agents');

export const CLI_NAMES = Object.keys(CLIS) as CliName[];

/**
 * The servers of one test file, by wire, and the trap that refuses every other host. `apiKey`: the
 * key the servers take (every other is refused 401, as a real provider's are); default any.
 */
export async function startServers(opts: { apiKey?: string } = {}) {
  const trap = await startPhoneHomeTrap();
  const anthropic = await startModelServer('anthropic', opts);
  const responses = await startModelServer('responses', opts);
  const chat = await startModelServer('chat', opts);
  const byWire = { anthropic, responses, chat } as const;
  const serverOf = (cli: CliName): ModelServer => byWire[CLIS[cli].wire];
  /** Each server's conversations, by CLI: set with `script`, put together per server. */
  const scripts = new Map<CliName, Conversation[]>();
  return {
    trap,
    serverOf,
    /** Replaces one CLI's conversations (the other CLIs sharing its server keep theirs). */
    script(cli: CliName, conversations: Conversation[]): void {
      scripts.set(
        cli,
        conversations.map((c) => ({
          ...c,
          name: `${cli}:${c.name}`,
          match: (req: ModelRequest) => req.model.endsWith(CLIS[cli].model) && (c.match ?? offersTools)(req),
        })),
      );
      const server = serverOf(cli);
      server.script(CLI_NAMES.filter((n) => serverOf(n) === server).flatMap((n) => scripts.get(n) ?? []));
    },
    /** Requests of one CLI's conversation (`name` as given to `script`). */
    calls: (cli: CliName, name: string) => serverOf(cli).modelCalls(`${cli}:${name}`),
    /** Requests for other hosts, but opencode's background plugin install (pointed at a dead registry). */
    phoneHome: () => trap.attempts.filter((a) => !a.includes('127.0.0.1:9')),
    async close() {
      await Promise.all([anthropic.close(), responses.close(), chat.close(), trap.close()]);
    },
  };
}
export type Servers = Awaited<ReturnType<typeof startServers>>;

const offersTools = (req: ModelRequest) => req.tools.length > 0;

/** The worktree Baton's prompt names ("your working directory /…/tree"), from a request's texts. */
export function worktreeOf(req: ModelRequest): string {
  for (const t of req.texts) {
    const m = /your working directory (\/\S+?),? on branch/.exec(t);
    if (m) return m[1]!;
  }
  throw new Error('the request names no worktree');
}

const PLACEHOLDER = '/@@worktree@@';

function withWorktree(input: ToolCall['input']): ToolCall['input'] {
  if (typeof input === 'function') return input;
  return (req) => JSON.parse(JSON.stringify(input).replaceAll(PLACEHOLDER, worktreeOf(req)));
}

/** A turn that writes `file` (relative to the task's worktree) with the CLI's own file tool. */
export function writeTurn(cli: CliName, file: string, content: string, extra: Partial<Turn> = {}): Turn {
  const turn = CLIS[cli].writeTurn({ repo: PLACEHOLDER, home: '' }, file, content);
  return {
    ...turn,
    ...extra,
    tools: (turn.tools ?? []).map((t) => ({ ...t, input: withWorktree(t.input) })),
  };
}

/** USD per million tokens that make the scripted usage cost something for the CLIs that report no cost. */
export const PRICES = {
  'scripted-codex': { input_per_mtok: 3, output_per_mtok: 15 },
  'scripted-opencode': { input_per_mtok: 3, output_per_mtok: 15 },
  'scripted-qwen': { input_per_mtok: 3, output_per_mtok: 15 },
};

/** A coding agent of `cli` talking to its scripted server, with skill `cli` (tasks pick it by that). */
export function codingAgent(servers: Servers, cli: CliName, extra: Record<string, unknown> = {}): AgentInput {
  const def: CliDefinition = CLIS[cli];
  const server = servers.serverOf(cli);
  return {
    id: `${cli}-coder`,
    name: `${cli} coder`,
    kind: 'coding',
    cli,
    // The stream adapter, said: without it claude (with its ACP adapter installed), opencode and
    // qwen (with a provider) would run over ACP by default.
    protocol: 'stream',
    skills: [cli],
    max_concurrency: 4,
    executable: join(packageDir, 'node_modules', '.bin', cli),
    model: def.model,
    provider: { base_url: def.wire === 'anthropic' ? server.url : `${server.url}/v1` },
    prices: PRICES,
    env: {
      // qwen is a Node script that needs Node >= 22: this Node first on its PATH.
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      // opencode installs a plugin package at start with its bundled npm: a registry that answers nothing.
      npm_config_registry: 'http://127.0.0.1:9/',
      ...servers.trap.env,
    },
    ...extra,
  } as AgentInput;
}

/** An app on a temp data directory with a workspace `app` (a temp repository). */
export function openBaton(): { app: BatonApp; dir: string; repo: TempRepo; close(): Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'baton-coding-'));
  const repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  const app = createApp({ dataDir: dir, log: () => {} });
  return {
    app,
    dir,
    repo,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
      repo.cleanup();
    },
  };
}

/** Processes of this machine whose BATON_ATTEMPT marker names the run (an attempt's program, a coding CLI, or what it started). */
export function markedProcesses(runId: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = readFileSync(`/proc/${name}/environ`, 'utf8');
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (/\) Z /.test(stat)) continue;
      if (env.split('\0').some((e) => new RegExp(`^BATON_ATTEMPT=attempt/[^/]+/${runId}/`).test(e)))
        found.push(Number(name));
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

/**
 * The worktrees git knows of in a repository, but its own checkout and those parked for the
 * next attempt (detached, locked "baton: parked", holding no task's branch: worktree-pool.ts).
 */
export function gitWorktrees(repo: string): string[] {
  const out = execFileSync('git', ['worktree', 'list', '--porcelain'], { cwd: repo, encoding: 'utf8' });
  return out
    .split('\n\n')
    .slice(1)
    .filter((r) => !r.trim().endsWith('\ndetached\nlocked baton: parked'))
    .map((r) => r.trim().split('\n')[0]!.slice('worktree '.length))
    .filter((w) => w !== '');
}

/**
 * Polls `test` until it holds (after `refresh`, when given, reads what it looks at); fails after
 * `ms` (a bound for a hung test, not a timing assertion).
 */
export async function waitFor(test: () => boolean, ms: number, refresh?: () => Promise<void>): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    await refresh?.();
    if (test()) return;
    if (Date.now() > until) throw new Error(`waited ${ms} ms in vain for ${test.toString()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A promise a scripted model's answer waits on (`before`), and what lets it go (also at the test's end). */
export function gate(): { held: Promise<void>; release: () => void } {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { held, release };
}

/**
 * The start of the tests that talk to a running CLI or stop its turn: the scripted model servers,
 * a Baton of its own with workspace `app`, `cli`'s agent, and a plan for each `{ plan, task,
 * description }` of that one task; `close` ends both.
 */
export async function talkingBaton(
  cli: CliName,
  plans: { plan: string; task: string; description: string }[],
): Promise<{ servers: Servers; baton: ReturnType<typeof openBaton>; close(): Promise<void> }> {
  const servers = await startServers();
  const baton = openBaton();
  const { app, repo } = baton;
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  await call(app, 'agents.import', { agents: [codingAgent(servers, cli)] });
  for (const p of plans)
    await call(app, 'plans.import', {
      plan: {
        plan_id: p.plan,
        workspace: 'app',
        tasks: [{ task_id: p.task, description: p.description, required_skills: [cli] }],
      },
    });
  return {
    servers,
    baton,
    close: async () => {
      await baton.close();
      await servers.close();
    },
  };
}
