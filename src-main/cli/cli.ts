import type { ToolCallScope } from '../../src-shared/schemas/approval.ts';
import { createApp } from '../app/create-app.ts';
import { parseMaxInFlight } from '../engine/engine-options.ts';
import { resolveDataDir } from '../host/data-dir.ts';
import { parseCallbackUrl } from '../host/rest/callback-host.ts';
import { setting } from '../host/settings.ts';
import type { CommandKind, Connection } from './connection.ts';
import { CliError, packageVersion } from './files.ts';
import {
  HELP,
  OPTIONS,
  parseActor,
  parseAllowedHostFlag,
  parseFixedToken,
  parsePort,
  parseWorkerLease,
} from './flags.ts';
import { closeOnSignal } from './interrupt.ts';
import { guardOutput } from './streams.ts';

/**
 * Each command's module, loaded when that command runs: `baton serve` does not load what
 * `baton worker` or the host's clients need (the WebSocket client, the MCP host link), nor the reverse.
 */
const commands = {
  agents: () => import('./commands/agents.ts'),
  approvals: () => import('./commands/approvals.ts'),
  connection: () => import('./connection.ts'),
  land: () => import('./commands/land.ts'),
  login: () => import('./commands/login.ts'),
  signIns: () => import('./login/sign-ins.ts'),
  mcp: () => import('./commands/mcp.ts'),
  plans: () => import('./commands/plans.ts'),
  reach: () => import('./commands/reach.ts'),
  run: () => import('./commands/run.ts'),
  runs: () => import('./commands/runs.ts'),
  say: () => import('./commands/say.ts'),
  turns: () => import('./commands/turns.ts'),
  secrets: () => import('./commands/secrets.ts'),
  spend: () => import('./commands/spend.ts'),
  serve: () => import('./commands/serve.ts'),
  start: () => import('./commands/start.ts'),
  worker: () => import('./commands/worker.ts'),
  workspaces: () => import('./commands/workspaces.ts'),
};

// Not `import … from 'node:util'`: its ESM face evaluates every export, diff's included.
const { parseArgs } = process.getBuiltinModule('node:util');

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: OPTIONS,
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
  // Each setting is read only by the commands that use it, so a bad value in the environment
  // does not stop `baton agents list`.
  const hosts = command === 'serve' || command === 'start';
  // The other commands find the host that serves the data directory themselves (server.json).
  if (values.port !== undefined && !hosts)
    throw new CliError(
      '--port: only with baton start or baton serve (the other commands find the host that serves the data directory on their own)',
    );
  const port = parsePort(values.port);
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
    if (app) return app;
    app = createApp({
      dataDir,
      probeAgents: hosts,
      resume: hosts,
      ...(limit !== undefined ? { maxInFlight: limit } : {}),
      ...(workerLeaseMs !== undefined ? { workerLeaseMs } : {}),
    });
    // The hosts and `baton mcp` stop on a signal their own way; the rest close the app first.
    if (!hosts && command !== 'mcp') closeOnSignal(app, (line) => process.stderr.write(`\n${line}\n`));
    return app;
  };
  // Who the commands' changes are recorded as: --as, else the login name.
  const cliActor = parseActor(values.as) ?? (process.env.USER?.trim().slice(0, 200) || 'cli');
  // Every command below but start, serve, mcp and worker reaches the data directory this way.
  // Or a Baton over the network, as the person signed in to it (baton login --url).
  let conn: Connection | undefined;
  const chosen: { remote: { url: string; token: string } | null } = { remote: null };
  const through = async (kind: CommandKind) => {
    if (conn) return conn;
    const remote = (await commands.signIns()).remoteFor(
      command === 'webhooks' ? undefined : values.url,
      values['data-dir'] !== undefined || Boolean(process.env.BATON_DATA_DIR),
    );
    const connection = await commands.connection();
    conn = remote
      ? connection.connectRemote(remote.url, remote.token, kind, undefined, { actor: cliActor })
      : await connection.connect(dataDir, openApp, kind, undefined, { actor: cliActor });
    chosen.remote = remote;
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
        return await (await commands.serve()).serveCommand(openApp, {
          dataDir,
          port,
          host: values.host ?? '127.0.0.1',
          allowHosts: (values['allow-host'] ?? []).map((h) => parseAllowedHostFlag(h)),
          callbackUrl: origin,
          publicUrl: setting(values['public-url'], '--public-url', 'BATON_PUBLIC_URL', parseCallbackUrl),
          token,
          newToken: values['new-token'],
        });
      case 'login':
        return await (await commands.login()).loginCommand(values.url, values.json);
      case 'logout':
        return await (await commands.login()).logoutCommand(values.url);
      case 'whoami': {
        const { client: c } = await through('read');
        return await (await commands.login()).whoamiCommand(
          c,
          chosen.remote ? { url: chosen.remote.url } : { dataDir },
          values.json,
        );
      }
      case 'run': {
        const planFile = rest[0];
        if (!planFile) throw new CliError('usage: baton run <plan.json> [--agents agents.json] [--json]');
        return await (await commands.run()).runCommand(() => client('run'), {
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
          actor: cliActor,
          json: values.json,
        });
      }
      case 'say': {
        const [runId, taskId, ...words] = rest;
        const text = words.join(' ').trim();
        if (!runId || !taskId || !text)
          throw new CliError('usage: baton say <run> <task> "text" [--as NAME] [--json]');
        return await (await commands.say()).sayCommand(await client('change'), {
          runId,
          taskId,
          text,
          actor: cliActor,
          json: values.json,
        });
      }
      case 'interrupt':
      case 'pause':
      case 'resume': {
        const [runId, taskId] = rest;
        if (!runId || !taskId || rest.length > 2)
          throw new CliError(`usage: baton ${command} <run> <task> [--as NAME] [--json]`);
        return await (await commands.turns()).turnCommand(await client('change'), {
          control: command,
          runId,
          taskId,
          actor: cliActor,
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
          return await (await commands.agents()).agentsImport(() => client('change'), file);
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
            forwardPorts: values['forward-ports'],
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
          'usage: baton workspaces add <path> [--id I] [--base B] [--setup CMD] [--env NAME=value]... [--keep PATTERN]... [--check NAME=CMD]... [--allow-protected NAME]... [--forward-ports] [--remote URL [--forge github|gitlab|gitea --forge-repo OWNER/NAME --token-secret NAME [--api-url U]]] | list [--json] | remove <id> | prune [<id>] [--include-kept] | branches [--workspace W] [--run R] [--older-than 30d] [--delete [--include-kept-work] [--include-unmerged]]',
        );
      }
      case 'secrets':
        return await (await commands.secrets()).secretsCommand(
          await through(rest[0] === 'list' ? 'read' : 'change'),
          rest,
          values.json,
        );
      case 'spend':
        return await (await commands.spend()).spendCommand(
          await client(rest[0] === 'prices' && rest[1] === 'set' ? 'change' : 'read'),
          rest,
          { ...values, actor: cliActor },
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

guardOutput();
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
