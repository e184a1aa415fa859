import { basename, resolve } from 'node:path';
import type { BatonClient } from '../../../src-shared/contract/client.ts';
import type {
  BranchKind,
  DeletedBranches,
  WorkspaceBranches,
} from '../../../src-shared/contract/domains/workspaces.ts';
import { BRANCH_KIND_LABEL, deletableKinds } from '../../../src-shared/contract/domains/workspaces.ts';
import type { WorkspaceRemoteInput } from '../../../src-shared/schemas/forge.ts';
import type { ForgeKind } from '../../../src-shared/schemas/plain/forge.ts';
import { CliError } from '../files.ts';
import { printJson, printTable } from '../output.ts';
import { sandboxColumn } from './sandbox-column.ts';

export interface WorkspaceAddOptions {
  path: string;
  id: string | undefined;
  base: string | undefined;
  /** A command line split on spaces, or a JSON array of arguments. */
  setup: string | undefined;
  /** `NAME=value` each. */
  env: string[];
  /** Ignored paths a worktree taken from the pool keeps (gitignore patterns). */
  keep: string[];
  /** `NAME=command line` each: a check (default timeout). */
  check: string[];
  /** Protected paths its agents may write on purpose (`.vscode`, `.mcp.json`); the host checks each. */
  allowProtected?: string[];
  /** Whether its agents' servers in the sandbox are reached from this machine (`forward_ports`). */
  forwardPorts?: boolean;
  /** Where its work lands (`--remote`, `--forge`, `--forge-repo`, `--token-secret`, `--api-url`). */
  remote?: RemoteFlags;
  json: boolean;
}

/** `test=npm test` → a check named test running ["npm", "test"]; the command as --setup takes it. */
export function parseCheck(raw: string): { name: string; command: string[] } {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new CliError(`--check ${raw}: expected NAME=command, e.g. test=npm test`);
  const command = parseSetup(raw.slice(eq + 1));
  return { name: raw.slice(0, eq).trim(), command };
}

export interface RemoteFlags {
  url: string | undefined;
  forge: string | undefined;
  repo: string | undefined;
  tokenSecret: string | undefined;
  apiUrl: string | undefined;
}

/** The `remote` of `workspaces.add` from the flags (the host checks it and names the field); none without `--remote`. */
export function remoteFromFlags(f: RemoteFlags | undefined): WorkspaceRemoteInput | undefined {
  if (!f) return undefined;
  const forgeFlags = f.forge ?? f.repo ?? f.tokenSecret ?? f.apiUrl;
  if (f.url === undefined) {
    if (forgeFlags !== undefined)
      throw new CliError('--forge, --forge-repo, --token-secret and --api-url need --remote URL');
    return undefined;
  }
  if (forgeFlags === undefined) return { url: f.url };
  return {
    url: f.url,
    forge: {
      // Checked by the host, which names what is wrong (`remote.forge.kind: Gitea / Forgejo is not built yet`).
      kind: (f.forge ?? 'github') as ForgeKind,
      repo: f.repo ?? '',
      token_secret: f.tokenSecret ?? '',
      ...(f.apiUrl !== undefined ? { api_url: f.apiUrl } : {}),
    },
  };
}

/** `npm ci` → ["npm", "ci"]; `["sh", "-c", "make deps"]` as given. */
export function parseSetup(raw: string): string[] {
  const text = raw.trim();
  if (text.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CliError(`--setup: ${raw} is not a JSON array of arguments`);
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((a) => typeof a === 'string'))
      throw new CliError('--setup: a JSON array must hold the program and its arguments as strings');
    return parsed as string[];
  }
  const argv = text.split(/\s+/).filter(Boolean);
  if (argv.length === 0) throw new CliError('--setup must name a program');
  return argv;
}

/** `NAME=value` pairs; a value `{secret:NAME}` names a secret. */
export function parseEnvPairs(pairs: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CliError(`--env ${pair}: expected NAME=value`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

/** A workspace id from a folder's name: letters, digits and . _ - kept. */
function idFromPath(path: string): string {
  const id = basename(path)
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '');
  if (!id) throw new CliError(`cannot make a workspace id from ${path}: give one with --id`);
  return id.slice(0, 128);
}

export async function workspacesAdd(client: BatonClient, o: WorkspaceAddOptions): Promise<number> {
  const path = resolve(o.path);
  const remote = remoteFromFlags(o.remote);
  const w = await client.invoke('workspaces.add', {
    id: o.id ?? idFromPath(path),
    path,
    ...(o.base ? { base_branch: o.base } : {}),
    ...(o.setup ? { setup_command: parseSetup(o.setup) } : {}),
    env: parseEnvPairs(o.env),
    keep_ignored: o.keep,
    ...(o.allowProtected && o.allowProtected.length > 0 ? { allow_protected_writes: o.allowProtected } : {}),
    checks: o.check.map(parseCheck),
    ...(remote ? { remote } : {}),
    ...(o.forwardPorts ? { forward_ports: true } : {}),
  });
  if (o.json) printJson(w);
  else process.stdout.write(`Added workspace ${w.id}: ${w.path} (tasks start from ${w.base_branch})\n`);
  return 0;
}

/**
 * What its setup command runs in: `required` (the OS sandbox; `+N hosts` it may reach), `off
 * (unconfined)` by choice, `(cannot run here)` where the sandbox cannot run; PORTS `forwarded`
 * when its agents' servers in the sandbox are reached from this machine (`forward_ports`).
 */
export async function workspacesList(client: BatonClient, json: boolean): Promise<number> {
  const list = await client.invoke('workspaces.list', {});
  if (json) {
    printJson(list);
    return 0;
  }
  if (list.length === 0) {
    process.stdout.write(
      'No workspaces registered. Add a git repository with: baton workspaces add <path>\n',
    );
    return 0;
  }
  const sandbox = await client.invoke('agents.sandbox', {});
  printTable(
    ['ID', 'BASE', 'SETUP', 'KEEP', 'PARKED', 'SANDBOX', 'PORTS', 'STATUS', 'PATH'],
    list.map((w) => [
      w.id,
      w.base_branch,
      w.setup_command?.join(' ') ?? '-',
      w.keep_ignored.length > 0 ? w.keep_ignored.join(' ') : '-',
      String(w.parked_worktrees ?? 0),
      sandboxColumn(w.sandbox, sandbox.available),
      w.forward_ports ? 'forwarded' : '-',
      w.missing ? 'MISSING' : 'ok',
      w.path,
    ]),
  );
  // A repository gone from disk: runs of its coding tasks are refused until it is registered again.
  for (const w of list)
    if (w.missing)
      process.stdout.write(
        `${w.id} is missing: ${w.missing} (${w.path}). Runs whose coding tasks work in it are refused; register it again where it is now (baton workspaces remove ${w.id}, then baton workspaces add <path> --id ${w.id}).\n`,
      );
  return 0;
}

export async function workspacesRemove(client: BatonClient, id: string): Promise<number> {
  const { removed } = await client.invoke('workspaces.remove', { workspace_id: id });
  process.stdout.write(
    removed ? `Removed workspace ${id} (its repository and branches stay)\n` : `No workspace ${id}\n`,
  );
  return 0;
}

export async function workspacesPrune(
  client: BatonClient,
  id: string | undefined,
  includeKept: boolean,
  json: boolean,
): Promise<number> {
  const reports = await client.invoke('workspaces.prune', {
    ...(id ? { workspace_id: id } : {}),
    include_kept: includeKept,
  });
  if (json) {
    printJson(reports);
    return 0;
  }
  for (const r of reports) {
    const n = r.removed.length;
    if (r.missing) {
      process.stdout.write(`${r.workspace_id}: missing, not pruned: ${r.missing}\n`);
      continue;
    }
    process.stdout.write(
      `${r.workspace_id}: removed ${n} worktree${n === 1 ? '' : 's'}${r.error ? `, then failed: ${r.error}` : ''}\n`,
    );
    for (const dir of r.removed) process.stdout.write(`  removed ${dir}\n`);
    for (const l of r.left)
      process.stdout.write(`  left ${l.dir} (run ${l.run_id}, task ${l.task_id}: ${l.why})\n`);
  }
  if (reports.length === 0) process.stdout.write('No workspaces registered.\n');
  // The others were pruned; a missing or failed one is what the exit code says.
  return reports.some((r) => r.missing || r.error) ? 1 : 0;
}

export interface BranchesOptions {
  workspace: string | undefined;
  run: string | undefined;
  /** `30d`, or a number of days. */
  olderThan: string | undefined;
  delete: boolean;
  includeKeptWork: boolean;
  includeUnmerged: boolean;
  json: boolean;
}

/** `--older-than 30d` (or `30`): days. */
export function parseOlderThan(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)d?$/.exec(raw.trim());
  if (!m) throw new CliError(`--older-than: expected a number of days such as 30d, got "${raw}"`);
  return Number(m[1]);
}

/**
 * `baton workspaces branches`: Baton's task branches (`baton/<run>/<task>`, no other) with what
 * each holds; with `--delete`, the merged and empty ones are deleted, and kept work in progress
 * or a done task's unmerged work only with their own flags. A branch a running run uses or one
 * checked out anywhere is never deleted.
 */
export async function workspacesBranches(client: BatonClient, o: BranchesOptions): Promise<number> {
  const lists = await client.invoke('workspaces.branches', {
    ...(o.workspace ? { workspace_id: o.workspace } : {}),
    ...(o.run ? { run_id: o.run } : {}),
    ...(o.olderThan !== undefined ? { older_than_days: parseOlderThan(o.olderThan) } : {}),
  });
  const flags = { include_kept_work: o.includeKeptWork, include_unmerged: o.includeUnmerged };
  if (!o.delete) {
    if (o.json) printJson(lists);
    else for (const l of lists) printBranches(l, deletableKinds(flags));
    if (!o.json && lists.some((l) => l.branches.length > 0))
      process.stdout.write(
        'Delete the merged and empty ones with --delete; add --include-kept-work (work in progress nobody reviewed) or --include-unmerged (done work not merged) to delete those too.\n',
      );
    return lists.some((l) => l.missing) ? 1 : 0;
  }
  const allowed = new Set(deletableKinds(flags));
  const reports: DeletedBranches[] = [];
  for (const l of lists) {
    const chosen = l.branches.filter((b) => allowed.has(b.kind)).map((b) => ({ name: b.name, tip: b.tip }));
    if (l.missing) process.stderr.write(`${l.workspace_id}: missing, nothing deleted: ${l.missing}\n`);
    if (chosen.length === 0) {
      reports.push({ workspace_id: l.workspace_id, deleted: [], left: [] });
      continue;
    }
    reports.push(
      await client.invoke('workspaces.deleteBranches', {
        workspace_id: l.workspace_id,
        branches: chosen,
        ...flags,
      }),
    );
  }
  if (o.json) printJson(reports);
  else
    for (const r of reports) {
      process.stdout.write(
        `${r.workspace_id}: deleted ${r.deleted.length} branch${r.deleted.length === 1 ? '' : 'es'}\n`,
      );
      for (const name of r.deleted) process.stdout.write(`  deleted ${name}\n`);
      for (const l of r.left) process.stdout.write(`  left ${l.name}: ${l.why}\n`);
    }
  return lists.some((l) => l.missing) || reports.some((r) => r.left.length > 0) ? 1 : 0;
}

function printBranches(l: WorkspaceBranches, deletable: readonly BranchKind[]): void {
  if (l.missing) {
    process.stdout.write(`${l.workspace_id}: missing, not listed: ${l.missing}\n`);
    return;
  }
  const counts = new Map<BranchKind, number>();
  for (const b of l.branches) counts.set(b.kind, (counts.get(b.kind) ?? 0) + 1);
  const goes = l.branches.filter((b) => deletable.includes(b.kind)).length;
  const summary = [...counts].map(([k, n]) => `${n} ${BRANCH_KIND_LABEL[k]}`).join(', ');
  process.stdout.write(
    `${l.workspace_id}: ${l.branches.length} task branch${l.branches.length === 1 ? '' : 'es'}${summary ? ` (${summary})` : ''}; ${goes} to clean up\n`,
  );
  if (l.branches.length > 0)
    printTable(
      ['  BRANCH', 'HOLDS', 'WHY'],
      l.branches.map((b) => [`  ${b.name}`, BRANCH_KIND_LABEL[b.kind], b.why]),
    );
}
