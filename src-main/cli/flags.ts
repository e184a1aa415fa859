import type { ParseArgsOptionsConfig } from 'node:util';
import { parseAllowedHost } from '../http/host-names.ts';
import { CliError } from './files.ts';

// The command line's flags: the help that names them, the table `parseArgs` reads them by, and
// what the value of a flag checked here must be. A new flag is a line in each.

export const HELP = `Baton — design and run plans of agent work.

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
                                                 4 when another Baton process took the run over,
                                                 5 when the Baton host it went through stopped
                                                 answering (the run goes on when one opens D again),
                                                 2 when the command or its files are wrong (nothing
                                                 is run), 130 on Ctrl+C (its agents stopped first)
  baton agents import <agents.json> [--data-dir D]
  baton agents list [--json] [--data-dir D]
  baton agents leaderboard <skill> [--json] [--data-dir D]
  baton workspaces add <path> [--id I] [--base B] [--setup "npm ci"] [--env NAME=value]...
                    [--keep node_modules/]... [--check "test=npm test"]... [--allow-protected .vscode]...
                    [--forward-ports]            register a git repository for coding agents;
                                                 --keep: ignored paths a reused worktree keeps;
                                                 --check: a named check run after each attempt;
                                                 --allow-protected: a protected path its agents may write;
                                                 --forward-ports: reach its agents' dev servers from this
                                                 machine (two helper processes per running agent)
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
  baton say <run> <task> "text" [--as NAME] [--json]
                                                 say something to a task's running coding agent: into
                                                 Claude Code's turn now, an ACP agent's next turn; recorded
                                                 with your name (--as, else $USER); exit 1 when the task
                                                 is not running or its agent takes no messages now
  baton interrupt|pause|resume <run> <task> [--as NAME] [--json]
                                                 stop the running turn of a task's coding agent (it waits
                                                 for your next words), pause it (held until resumed, across
                                                 restarts), or let it go on; exit 1 when there is no turn to stop
  baton spend [--by day|plan|run|agent|model|cli] [--since DAY|30d] [--until DAY] [--plan P] [--project P]
              [--run R] [--agent A] [--model M] [--cli C] [--csv | --json]
                                                 what model calls used (input, output, cached tokens) and
                                                 cost, grouped, in a range of days (this machine's), filtered;
                                                 a cost Baton does not know is "unknown", never 0
  baton spend budgets [--plan P] [--project P]   every budget against what was charged to it, those over named
  baton spend prices | prices set <model> --input USD --output USD [--cached USD] [--from DAY]
                                                 the price table (USD per million tokens), or a model's price
                                                 from a day on (today by default): calls made from then
  baton login --url https://baton.example.com    sign this command line in to a Baton elsewhere as you:
                                                 open the page it prints where you are signed in, check
                                                 the code, approve; commands then go there (--url U or
                                                 $BATON_URL picks one, --data-dir D works here instead)
  baton logout [--url U]                         revoke that token there and forget it here
  baton whoami [--url U] [--json]                who the commands act as, and where
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
                                                 approval.waiting, approval.decided, budget.exceeded,
                                                 budget.reached, agent.limited, agent.available
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

/** Every flag of every command, for `parseArgs` (strict: any other is refused). */
export const OPTIONS = {
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
  'forward-ports': { type: 'boolean', default: false },
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
  by: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  agent: { type: 'string' },
  model: { type: 'string' },
  cli: { type: 'string' },
  csv: { type: 'boolean', default: false },
  input: { type: 'string' },
  output: { type: 'string' },
  cached: { type: 'string' },
  from: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
} satisfies ParseArgsOptionsConfig;

export function parseAllowedHostFlag(raw: string): string {
  try {
    return parseAllowedHost(raw, '--allow-host');
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

export function parseFixedToken(raw: string, what: string): string {
  if (!/^[A-Za-z0-9_-]{32,256}$/.test(raw))
    throw new Error(`${what} must be 32 to 256 letters, digits, - or _ (a long random string)`);
  return raw;
}

export function parseWorkerLease(raw: string, what: string): number {
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 1 || n > 3_600)
    throw new Error(`${what} must be a number of seconds from 1 to 3600, got "${raw}"`);
  return Math.round(n * 1000);
}

/** `--as`: who the command's changes are recorded as (trimmed, 1–200 characters, as an input's `actor`). */
export function parseActor(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = raw.trim();
  if (name.length < 1 || name.length > 200) {
    const shown = raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
    throw new CliError(
      `--as must be a name of 1 to 200 characters, got "${shown}" (${raw.length} characters)`,
    );
  }
  return name;
}

export function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new CliError(`--port must be a whole number 0–65535, got "${raw}"`);
  return n;
}
