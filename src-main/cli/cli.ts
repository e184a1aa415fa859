import type { ToolCallScope } from '../../src-shared/schemas/approval.ts';
import { createApp } from '../app/create-app.ts';
import { parseMaxInFlight } from '../engine/engine-options.ts';
import { resolveDataDir } from '../host/data-dir.ts';
import { parseCallbackUrl } from '../host/rest/callback-host.ts';
import { setting } from '../host/settings.ts';
import { parseAllowedHost } from '../http/host-names.ts';
import type { CommandKind, Connection } from './connection.ts';
import { CliError, packageVersion } from './files.ts';

/**
 * Each command's module, loaded when that command runs: `baton serve` does not load what
 * `baton worker` or the host's clients need (the WebSocket client, the MCP host link), nor the reverse.
 */
const commands = {
  agents: () => import('./commands/agents.ts'),
  approvals: () => import('./commands/approvals.ts'),
  connection: () => import('./connection.ts'),
  land: () => import('./commands/land.ts'),
  mcp: () => import('./commands/mcp.ts'),
  plans: () => import('./commands/plans.ts'),
  reach: () => import('./commands/reach.ts'),
  run: () => import('./commands/run.ts'),
  runs: () => import('./commands/runs.ts'),
  secrets: () => import('./commands/secrets.ts'),
  serve: () => import('./commands/serve.ts'),
  start: () => import('./commands/start.ts'),
  worker: () => import('./commands/worker.ts'),
  workspaces: () => import('./commands/workspaces.ts'),
};

// Not `import … from 'node:util'`: its ESM face evaluates every export, diff's included.
const { parseArgs } = process.getBuiltinModule('node:util');

const HELP = `Baton — design and run plans of agent work.

Usage:
  baton start [--data-dir D] [--port N] [--callback-url U] [--max-in-flight N]
                                                 build, then open the desktop app (browser mode without Electron)
  baton serve [--port N] [--host H] [--allow-host NAME]... [--data-dir D] [--callback-url U]
              [--public-url U] [--max-in-flight N] [--new-token]
                                                 serve the UI and API on http://127.0.0.1:N (default 4800);
                                                 its link (?token=) stays the same across restarts
                                                 until --new-token makes a new one
  baton run <plan.json> [--agents agents.json] [--data-dir D] [--json] [--max-in-flight N]
                                                 run a plan headless; exit 0 when every task is done,
                                                 1 when the run ended otherwise, 3 when it waits for
                                                 people (approvals, human agents): answer in the app,
                                                 4 when another Baton process took the run over
  baton agents import <agents.json> [--data-dir D]
  baton agents list [--json] [--data-dir D]
  baton agents leaderboard <skill> [--json] [--data-dir D]
  baton workspaces add <path> [--id I] [--base B] [--setup "npm ci"] [--env NAME=value]...
                    [--keep node_modules/]... [--check "test=npm test"]... [--allow-protected .vscode]...
                                                 register a git repository for coding agents;
                                                 --keep: ignored paths a reused worktree keeps;
                                                 --check: a named check run after each attempt;
                                                 --allow-protected: a protected path its agents may write
                    [--remote URL [--forge github|gitlab|gitea --forge-repo OWNER/NAME --token-secret NAME
                    [--api-url U]]]              where its work lands (docs/landing.md)
  baton workspaces list [--json]                 the workspaces; a repository gone from disk is MISSING
  baton workspaces remove <id>                   forget it (the repository and branches stay)
  baton workspaces prune [<id>] [--include-kept] remove the worktrees Baton left behind (a workspace whose
                                                 repository is missing is reported, exit 1; the others pruned)
  baton workspaces branches [--workspace W] [--run R] [--older-than 30d] [--delete]
                    [--include-kept-work] [--include-unmerged]
                                                 Baton's task branches (baton/<run>/<task>) and what each holds;
                                                 --delete removes the merged and empty ones, work in progress
                                                 and unmerged done work only with their flags; never a branch
                                                 a run uses or one checked out anywhere
  baton worker --server URL --token T --agents agents.json [--workspaces workspaces.json] [--id W]
               [--poll-ms N] [--data-dir D]
                                                 run this machine's agents for a Baton server: they
                                                 pull their tasks (leased, heartbeated); Ctrl+C gives
                                                 held tasks back and exits 0. Coding agents work in
                                                 the repositories --workspaces names (ids plans use)
  baton plans [list] [--archived] [--json]       the plans (with --archived, archived ones too)
  baton plans archive <plan> | unarchive <plan>  hide a plan from the lists and refuse its runs, or undo it
  baton plans delete <plan>                      delete a plan that has no runs, schedules or triggers
  baton runs [--plan P] [--json] [--data-dir D]  the runs, newest first
  baton show <run> [--json] [--data-dir D]       a run and each of its tasks
  baton land <run> [--task T] [--push | --pr [--base B] [--title T] [--draft]] [--as NAME] [--json]
                                                 land a run's work as its plan says, or now as asked:
                                                 pushed, or proposed as a pull request (--draft: readied
                                                 once its checks pass); --task: one done task's branch
  baton approvals [--json] [--data-dir D]        what waits for a decision
  baton approve <approval> [--for task|agent] [--comment C] [--as NAME] [--data-dir D] [--json]
  baton reject <approval> [--comment C] [--as NAME] [--data-dir D] [--json]
  baton request-changes <approval> --comment C [--as NAME] [--data-dir D] [--json]
                                                 (a diff review: the agent resumes its session with C)
                                                 decide, then go on with the run as baton run does
                                                 (--as: who decides, for the audit log; else $USER;
                                                 --for: a tool call's tool also runs unasked for the
                                                 rest of its task, or always for its agent)
  baton mcp [--data-dir D]                       Baton's tools for an MCP client (Claude Code, Claude
                                                 Desktop) over stdio: through the Baton host serving D
                                                 when one runs, else on D in this process
  baton secrets list [--json]                    the secrets agents and webhooks name: where each value
                                                 comes from (stored by Baton, an environment variable)
                                                 and who uses it; never a value
  baton secrets set <NAME>                       store a secret: the value is read from standard input,
                                                 or typed at a prompt that does not show it
  baton secrets rm <NAME>                        remove a stored secret
  baton webhooks list | remove <id> | deliveries [<id>] [--status S] [--limit N]
  baton webhooks add --url URL --event E... [--secret NAME] [--project P] [--format standard|slack]
                                                 signed POSTs on run.started, run.ended, task.failed,
                                                 approval.waiting, approval.decided, budget.exceeded
                                                 (--secret: the signing secret's name; only slack may go without)
  baton schedules list [--plan P] | pause <id> | resume <id> | remove <id>
  baton schedules add --plan P --cron EXPR [--tz ZONE] [--inputs JSON] [--overlap skip|queue_one|allow]
                      [--catch-up none|latest|all:N] start runs on a cron (fired by the app or baton serve)
  baton triggers list | remove <id>
  baton triggers add --plan P [--inputs JSON] [--rate N]
                                                 POST /api/triggers/<id> with its own secret starts a run
  baton triggers add --plan P --github-issues --workspace W --label L [--issue-inputs title=T,body=B,number=N,url=U]
                     [--every SECONDS] [--comment-on-issue]
                                                 each open GitHub issue with the label starts one run
                                                 (--comment-on-issue: commented on at its run's milestones)
  baton triggers issues <id>                     the issues a trigger started runs for

Data lives in --data-dir, else $BATON_DATA_DIR, else the platform app-data folder. When a Baton
host (baton serve, browser mode) serves it, every command goes through that host (server.json
there names it and holds its token), with the same output: the host holds what a command changes
at once, the runs a command starts or answers for go on there, secrets are looked up there.
Otherwise a command opens the data directory itself.
--callback-url (else $BATON_CALLBACK_URL): the origin http agents on other machines reach Baton
at (a proxy or tunnel), e.g. https://baton.example.com/; by default Baton's own address.
--public-url U (else $BATON_PUBLIC_URL; serve): where people reach this Baton from elsewhere, through
your own reverse proxy or tunnel to it (https://baton.example.com): they sign in there; its name is
answered to and its origin accepted. Baton still listens on loopback unless --host says otherwise.
--host H: the address to listen on (127.0.0.1; 0.0.0.0 or :: for every interface). Beyond
loopback, Baton answers to this machine's own names and addresses; --allow-host NAME (repeatable)
adds another (a DNS name, a proxy's); any other Host name is refused.
--worker-lease S (else $BATON_WORKER_LEASE_S; serve and start): how long a remote worker holds a
task without a heartbeat before it is queued again as a new attempt (default 8 s; workers beat
four times a lease).
BATON_TOKEN (serve): a fixed token instead of the one Baton keeps in the data directory (ui-token,
0600; --new-token replaces it); baton worker reads it too when --token is not given.
--max-in-flight N (else $BATON_MAX_IN_FLIGHT): most tasks running at once across all runs
(default 512; a run that goes on in a host has the host's); every agent's max_concurrency
applies as well.
`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'allow-host': { type: 'string', multiple: true },
      'callback-url': { type: 'string' },
      'public-url': { type: 'string' },
      'max-in-flight': { type: 'string' },
      'worker-lease': { type: 'string' },
      server: { type: 'string' },
      token: { type: 'string' },
      'poll-ms': { type: 'string' },
      agents: { type: 'string' },
      workspaces: { type: 'string' },
      comment: { type: 'string' },
      for: { type: 'string' },
      plan: { type: 'string' },
      as: { type: 'string' },
      id: { type: 'string' },
      base: { type: 'string' },
      setup: { type: 'string' },
      env: { type: 'string', multiple: true },
      keep: { type: 'string', multiple: true },
      check: { type: 'string', multiple: true },
      'allow-protected': { type: 'string', multiple: true },
      remote: { type: 'string' },
      forge: { type: 'string' },
      'forge-repo': { type: 'string' },
      'token-secret': { type: 'string' },
      'api-url': { type: 'string' },
      'include-kept': { type: 'boolean', default: false },
      'new-token': { type: 'boolean', default: false },
      workspace: { type: 'string' },
      run: { type: 'string' },
      'older-than': { type: 'string' },
      delete: { type: 'boolean', default: false },
      'include-kept-work': { type: 'boolean', default: false },
      'include-unmerged': { type: 'boolean', default: false },
      url: { type: 'string' },
      event: { type: 'string', multiple: true },
      secret: { type: 'string' },
      project: { type: 'string' },
      format: { type: 'string' },
      'link-base': { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      cron: { type: 'string' },
      tz: { type: 'string' },
      inputs: { type: 'string' },
      overlap: { type: 'string' },
      'catch-up': { type: 'string' },
      rate: { type: 'string' },
      'github-issues': { type: 'boolean', default: false },
      label: { type: 'string' },
      'issue-inputs': { type: 'string' },
      every: { type: 'string' },
      'comment-on-issue': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      archived: { type: 'boolean', default: false },
      task: { type: 'string' },
      push: { type: 'boolean', default: false },
      pr: { type: 'boolean', default: false },
      title: { type: 'string' },
      draft: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', short: 'v', default: false },
    },
  });
  if (values.version) {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 2;
  }
  const dataDir = resolveDataDir(values['data-dir']);
  const port = parsePort(values.port);
  // Each setting is read only by the commands that use it, so a bad value in the environment
  // does not stop `baton agents list`.
  const hosts = command === 'serve' || command === 'start';
  const limit =
    hosts ||
    command === 'run' ||
    command === 'approve' ||
    command === 'reject' ||
    command === 'request-changes' ||
    command === 'mcp'
      ? setting(values['max-in-flight'], '--max-in-flight', 'BATON_MAX_IN_FLIGHT', parseMaxInFlight)
      : undefined;
  const workerLeaseMs = hosts
    ? setting(values['worker-lease'], '--worker-lease', 'BATON_WORKER_LEASE_S', parseWorkerLease)
    : undefined;
  // A fixed token (remote workers keep theirs across restarts); one per launch otherwise.
  const token = command === 'serve' ? setting(undefined, '', 'BATON_TOKEN', parseFixedToken) : undefined;
  const origin = hosts
    ? setting(values['callback-url'], '--callback-url', 'BATON_CALLBACK_URL', parseCallbackUrl)
    : undefined;
  let app: ReturnType<typeof createApp> | undefined;
  const openApp = () => {
    // Long-lived hosts keep endpoint agents' statuses current, and take over unfinished runs.
    // A command that ends when its own work does leaves other runs alone: it would start their
    // agents only to stop them as it exits (and each restart costs an in-flight task an attempt).
    app ??= createApp({
      dataDir,
      probeAgents: hosts,
      resume: hosts,
      ...(limit !== undefined ? { maxInFlight: limit } : {}),
      ...(workerLeaseMs !== undefined ? { workerLeaseMs } : {}),
    });
    return app;
  };
  // Who the commands' changes are recorded as: --as, else the login name.
  const cliActor = values.as ?? (process.env.USER?.trim().slice(0, 200) || 'cli');
  // Every command below but start, serve, mcp and worker reaches the data directory this way.
  let conn: Connection | undefined;
  const through = async (kind: CommandKind) => {
    conn ??= await (await commands.connection()).connect(dataDir, openApp, kind, undefined, {
      actor: cliActor,
    });
    return conn;
  };
  const client = async (kind: CommandKind) => (await through(kind)).client;
  try {
    switch (command) {
      case 'start':
        return await (await commands.start()).startCommand(openApp, {
          dataDir,
          port,
          callbackUrl: origin,
          maxInFlight: limit,
        });
      case 'serve':
        return await (await commands.serve()).serveCommand(openApp(), {
          dataDir,
          port,
          host: values.host ?? '127.0.0.1',
          allowHosts: (values['allow-host'] ?? []).map((h) => parseAllowedHostFlag(h)),
          callbackUrl: origin,
          publicUrl: setting(values['public-url'], '--public-url', 'BATON_PUBLIC_URL', parseCallbackUrl),
          token,
          newToken: values['new-token'],
        });
      case 'run': {
        const planFile = rest[0];
        if (!planFile) throw new CliError('usage: baton run <plan.json> [--agents agents.json] [--json]');
        return await (await commands.run()).runCommand(await client('run'), {
          planFile,
          agentsFile: values.agents,
          json: values.json,
        });
      }
      case 'plans':
        return await (await commands.plans()).plansCommand(
          await client(rest[0] === undefined || rest[0] === 'list' ? 'read' : 'change'),
          rest,
          {
            json: values.json,
            archived: values.archived,
            actor: cliActor,
          },
        );
      case 'runs':
        return await (await commands.runs()).runsList(await client('read'), values.plan, values.json);
      case 'show': {
        const runId = rest[0];
        if (!runId) throw new CliError('usage: baton show <run> [--json]');
        return await (await commands.runs()).runShow(await client('read'), runId, values.json);
      }
      case 'land': {
        const runId = rest[0];
        if (!runId)
          throw new CliError(
            'usage: baton land <run> [--task T] [--push | --pr [--base B] [--title T] [--draft]]',
          );
        return await (await commands.land()).landCommand(await client('change'), {
          runId,
          taskId: values.task,
          push: values.push,
          pr: values.pr,
          base: values.base,
          title: values.title,
          draft: values.draft,
          actor: values.as ?? process.env.USER ?? 'cli',
          json: values.json,
        });
      }
      case 'approvals':
        return await (await commands.approvals()).approvalsList(await client('read'), values.json);
      case 'approve':
      case 'reject':
      case 'request-changes': {
        const approvalId = rest[0];
        const changes = command === 'request-changes';
        if (!approvalId || (changes && !values.comment))
          throw new CliError(
            `usage: baton ${command} <approval> ${changes ? '--comment C' : '[--comment C]'} [--as NAME] [--json]`,
          );
        const scope = values.for;
        if (scope !== undefined && (command !== 'approve' || !['once', 'task', 'agent'].includes(scope)))
          throw new CliError(
            command === 'approve'
              ? `--for: expected "task" or "agent", got "${scope}"`
              : '--for: only with baton approve (a tool call approved for the rest of its task or for its agent)',
          );
        return await (await commands.approvals()).approvalsDecide(await client('run'), {
          approvalId,
          ...(scope === undefined ? {} : { scope: scope as ToolCallScope }),
          decision: changes ? 'request_changes' : command,
          actor: cliActor,
          comment: values.comment,
          json: values.json,
        });
      }
      case 'mcp':
        return await (await commands.mcp()).mcpCommand(openApp, dataDir);
      case 'worker':
        // A worker opens no data directory: its server keeps everything.
        return await (await commands.worker()).workerCommand(
          (await commands.worker()).workerSetup({
            server: values.server,
            token: values.token,
            agents: values.agents,
            workspaces: values.workspaces,
            id: values.id,
            pollMs: values['poll-ms'],
            dataDir: values['data-dir'],
          }),
        );
      case 'agents': {
        const [sub, file] = rest;
        if (sub === 'import' && file)
          return await (await commands.agents()).agentsImport(await client('change'), file);
        if (sub === 'list')
          return await (await commands.agents()).agentsList(await client('read'), values.json);
        if (sub === 'leaderboard' && file)
          return await (await commands.agents()).agentsLeaderboard(await client('read'), file, values.json);
        throw new CliError(
          'usage: baton agents import <agents.json> | baton agents list [--json] | baton agents leaderboard <skill> [--json]',
        );
      }
      case 'workspaces': {
        const [sub, arg] = rest;
        if (sub === 'add' && arg)
          return await (await commands.workspaces()).workspacesAdd(await client('change'), {
            path: arg,
            id: values.id,
            base: values.base,
            setup: values.setup,
            env: values.env ?? [],
            keep: values.keep ?? [],
            check: values.check ?? [],
            allowProtected: values['allow-protected'] ?? [],
            remote: {
              url: values.remote,
              forge: values.forge,
              repo: values['forge-repo'],
              tokenSecret: values['token-secret'],
              apiUrl: values['api-url'],
            },
            json: values.json,
          });
        if (sub === 'list')
          return await (await commands.workspaces()).workspacesList(await client('read'), values.json);
        if (sub === 'remove' && arg)
          return await (await commands.workspaces()).workspacesRemove(await client('change'), arg);
        if (sub === 'prune')
          return await (await commands.workspaces()).workspacesPrune(
            await client('change'),
            arg,
            values['include-kept'],
            values.json,
          );
        if (sub === 'branches' && arg === undefined)
          return await (await commands.workspaces()).workspacesBranches(
            await client(values.delete ? 'change' : 'read'),
            {
              workspace: values.workspace,
              run: values.run,
              olderThan: values['older-than'],
              delete: values.delete,
              includeKeptWork: values['include-kept-work'],
              includeUnmerged: values['include-unmerged'],
              json: values.json,
            },
          );
        throw new CliError(
          'usage: baton workspaces add <path> [--id I] [--base B] [--setup CMD] [--env NAME=value]... [--keep PATTERN]... [--check NAME=CMD]... [--allow-protected NAME]... [--remote URL [--forge github|gitlab|gitea --forge-repo OWNER/NAME --token-secret NAME [--api-url U]]] | list [--json] | remove <id> | prune [<id>] [--include-kept] | branches [--workspace W] [--run R] [--older-than 30d] [--delete [--include-kept-work] [--include-unmerged]]',
        );
      }
      case 'secrets':
        return await (await commands.secrets()).secretsCommand(
          await through(rest[0] === 'list' ? 'read' : 'change'),
          rest,
          values.json,
        );
      case 'webhooks':
      case 'schedules':
      case 'triggers':
        return await (await commands.reach()).reachCommand(
          await through(['list', 'deliveries', 'issues'].includes(rest[0] ?? '') ? 'read' : 'change'),
          command,
          rest,
          values,
        );
      default:
        throw new CliError(`unknown command "${command}"\n\n${HELP}`);
    }
  } finally {
    conn?.client.close();
    await app?.close();
  }
}

function parseAllowedHostFlag(raw: string): string {
  try {
    return parseAllowedHost(raw, '--allow-host');
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

function parseFixedToken(raw: string, what: string): string {
  if (!/^[A-Za-z0-9_-]{32,256}$/.test(raw))
    throw new Error(`${what} must be 32 to 256 letters, digits, - or _ (a long random string)`);
  return raw;
}

function parseWorkerLease(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1 || n > 3_600)
    throw new Error(`${what} must be a number of seconds from 1 to 3600, got "${raw}"`);
  return Math.round(n * 1000);
}

function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new CliError(`--port must be a whole number 0–65535, got "${raw}"`);
  return n;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (err: unknown) => {
    const { describeError } = await commands.run();
    process.stderr.write(`baton: ${describeError(err)}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 2;
  },
);
