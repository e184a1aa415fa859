import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { formatPath } from '../../../src-shared/contract/errors.ts';
import type { Agent } from '../../../src-shared/schemas/agent.ts';
import { agentsFileSchema } from '../../../src-shared/schemas/agent.ts';
import { idSchema } from '../../../src-shared/schemas/common.ts';
import type { Workspace } from '../../../src-shared/schemas/workspace.ts';
import { createExecutors } from '../../agents/index.ts';
import { resolveDataDir } from '../../host/data-dir.ts';
import { endSandboxWhenIdle, sandboxStatus } from '../../sandbox/index.ts';
import { createSecretResolver } from '../../secrets/secrets.ts';
import { linkTo, readWorkspaces, Worker, WorkSignal } from '../../workers/remote/index.ts';
import { defaultWorkDir, privateFolderProblem } from '../../workers/remote/work-dir.ts';
import { CliError, packageVersion, readJsonFile } from '../files.ts';

/** The kinds a worker runs (the app's executors); coding agents work in the repositories `--workspaces` names. */
const WORKER_KINDS: readonly Agent['kind'][] = ['echo', 'command', 'http', 'llm', 'coding'];

export interface WorkerFlags {
  server: string | undefined;
  token: string | undefined;
  agents: string | undefined;
  workspaces?: string | undefined;
  id: string | undefined;
  pollMs: string | undefined;
  dataDir: string | undefined;
}

export interface WorkerSetup {
  server: URL;
  token: string;
  agents: Agent[];
  /** The `--workspaces` file and what it holds (checked as the worker starts: it reads the repositories). */
  workspaces: { file: string; raw: unknown } | null;
  id: string;
  pollMs: number;
  workDir: string;
}

/** The flags checked, each bad one named; nothing starts until they all are. */
export function workerSetup(flags: WorkerFlags, env: NodeJS.ProcessEnv = process.env): WorkerSetup {
  if (!flags.server)
    throw new CliError('--server is required: the Baton server URL, e.g. http://baton.lan:4800/');
  let server: URL;
  try {
    server = new URL(flags.server);
  } catch {
    throw new CliError(`--server must be an http or https URL, got "${flags.server}"`);
  }
  if (server.protocol !== 'http:' && server.protocol !== 'https:')
    throw new CliError(`--server must be an http or https URL, got "${flags.server}"`);
  // The token printed with ?token= may come along with the URL: it is the token, not a path.
  const fromUrl = server.searchParams.get('token') ?? undefined;
  server.search = '';
  server.hash = '';
  if (!server.pathname.endsWith('/')) server.pathname += '/';
  const token = flags.token ?? env.BATON_TOKEN ?? fromUrl;
  if (!token)
    throw new CliError("--token is required (or BATON_TOKEN): the server's token, as baton serve prints it");
  if (!/^[\x21-\x7e]+$/.test(token))
    throw new CliError('--token must be printable characters without spaces');
  if (!flags.agents) throw new CliError("--agents is required: the agents file of this machine's agents");
  const parsed = agentsFileSchema.safeParse(readJsonFile(flags.agents, 'agents file'));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new CliError(`--agents ${flags.agents}: ${formatPath(issue.path)}: ${issue.message}`);
  }
  const agents = parsed.data;
  if (agents.length === 0) throw new CliError(`--agents ${flags.agents}: the file lists no agents`);
  agents.forEach((a, i) => {
    if (!WORKER_KINDS.includes(a.kind))
      throw new CliError(
        `--agents ${flags.agents}: [${i}].kind: a worker runs ${WORKER_KINDS.join(', ')} agents, not ${a.kind}`,
      );
    if (a.kind === 'coding' && !flags.workspaces)
      throw new CliError(
        `--agents ${flags.agents}: [${i}] is a coding agent: name this machine's repositories it works in with --workspaces workspaces.json`,
      );
  });
  const workspaces = flags.workspaces
    ? { file: flags.workspaces, raw: readJsonFile(flags.workspaces, 'workspaces file') }
    : null;
  const id = flags.id ?? `worker-${hostname().replace(/[^A-Za-z0-9_.-]/g, '-')}`;
  const checked = idSchema.safeParse(id);
  if (!checked.success) throw new CliError(`--id "${id}": ${checked.error.issues[0]!.message}`);
  let pollMs = 1_000;
  if (flags.pollMs !== undefined) {
    pollMs = Number(flags.pollMs);
    if (!Number.isInteger(pollMs) || pollMs < 50 || pollMs > 600_000)
      throw new CliError(
        `--poll-ms must be a whole number of milliseconds from 50 to 600000, got "${flags.pollMs}"`,
      );
  }
  const workDir = flags.dataDir ?? defaultWorkDir(id);
  return { server, token, agents, workspaces, id, pollMs, workDir };
}

/** Whether the server is on this machine by its URL: a loopback address or `localhost`. */
export function isLoopback(server: URL): boolean {
  const host = server.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * Where a Baton on this machine keeps its data when it was not told otherwise: `BATON_DATA_DIR`
 * (as this process sees it) and the platform's app-data folder (`resolveDataDir`).
 */
export function defaultDataDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [
    resolveDataDir(undefined, env),
    resolveDataDir(undefined, { ...env, BATON_DATA_DIR: undefined }),
  ];
  return [...new Set(dirs)];
}

/**
 * `baton worker`: runs this machine's agents for a Baton server until SIGINT or SIGTERM, which
 * stop it pulling, stop the agents at work and give their tasks back; then it exits 0.
 */
export async function workerCommand(setup: WorkerSetup): Promise<number> {
  const say = (line: string) => process.stderr.write(`baton worker: ${line}\n`);
  // The workspaces are checked first: a bad file leaves nothing behind, not even the data dir.
  let workspaces: Map<string, Workspace> = new Map();
  if (setup.workspaces) {
    try {
      workspaces = await readWorkspaces(setup.workspaces.file, setup.workspaces.raw);
    } catch (err) {
      throw new CliError((err as Error).message);
    }
  }
  // Its attempts' folders and worktrees, swept of earlier sessions' at start: this user's alone.
  const problem = privateFolderProblem(setup.workDir);
  if (problem) throw new CliError(`--data-dir ${setup.workDir}: ${problem}`);
  // A server on this machine keeps its data (its database, server.json with the UI's token, its
  // secrets) where a Baton does by default: hidden from the agents from the start; the data
  // directory the server says it has is hidden too once it registers the worker.
  const local = isLoopback(setup.server) ? defaultDataDirs() : [];
  const worker: Worker = new Worker({
    id: setup.id,
    link: linkTo(setup.server, setup.token),
    agents: setup.agents,
    // Its attempts' folders are hidden from each other, as Baton's data directory is on a server.
    executors: createExecutors({ version: packageVersion(), hiddenFolders: () => worker.hiddenFolders() }),
    hide: [setup.workDir, ...local],
    secrets: createSecretResolver(),
    workDir: setup.workDir,
    workspaces,
    pollMs: setup.pollMs,
    signal: new WorkSignal(setup.server, setup.token, setup.id, say),
    say,
  });
  const stop = () => worker.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  say(
    `serving ${setup.server.origin}${setup.server.pathname} as ${setup.id}; attempts in ${setup.workDir}${
      workspaces.size > 0
        ? `; workspaces ${[...workspaces.values()].map((w) => `${w.id} (${w.path})`).join(', ')}`
        : ''
    }${
      local.length > 0
        ? `; the server is on this machine: its agents never read ${local.join(', ')} (a Baton's data directory)`
        : ''
    }`,
  );
  void sandboxStatus().then((s) => {
    if (!s.available)
      say(`the OS sandbox cannot run here: ${s.problem}. Agents whose sandbox is required are refused.`);
  });
  try {
    await worker.run();
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), 1);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // The sandbox's proxies would keep this process alive.
    await endSandboxWhenIdle();
  }
  say('stopped');
  return 0;
}
