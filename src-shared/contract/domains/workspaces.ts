import { z } from 'zod';
import type { CheckEnvironment } from '../../schemas/checks.ts';
import { workspaceChecksSchema } from '../../schemas/checks.ts';
import { workspaceRemoteSchema } from '../../schemas/forge.ts';
import { approversSchema } from '../../schemas/people.ts';
import type { ForgeKind } from '../../schemas/plain/forge.ts';
import { allowProtectedWritesSchema } from '../../schemas/protected-paths.ts';
import type { AllowedSandboxHost } from '../../schemas/sandbox.ts';
import { sandboxHostSchema, sandboxPolicySchema } from '../../schemas/sandbox.ts';
import type { DetectedCli, Workspace } from '../../schemas/workspace.ts';
import { workspaceInputSchema } from '../../schemas/workspace.ts';
import { byId, idField, none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/** What `workspaces.prune` did in one workspace. */
export interface PruneReport {
  workspace_id: string;
  /** Worktrees removed (their folders), and git's records cleared of folders already gone. */
  removed: string[];
  pruned: string[];
  /** Worktrees left: runs still executing use them, or a person kept them (without `include_kept`). */
  left: { dir: string; run_id: string; task_id: string; why: string }[];
  /** Set when its repository is missing from disk (nothing of it was pruned): what is wrong, in words. */
  missing?: string;
  /** Set when pruning it failed (the other workspaces were still pruned): why. */
  error?: string;
}

/**
 * What one of Baton's task branches (`baton/<run>/<task>`) holds, and so whether a cleanup may
 * delete it: `running` (its run executes), `checked_out` (in a worktree: a kept one, a person's)
 * never; `work_in_progress` (a task that did not finish left work on it nobody reviewed: kept
 * work) only when asked for it, as `unmerged` (a done task's accepted work the base branch does
 * not hold yet); `merged` (the base branch holds it) and `empty` (nothing past its start: a task
 * that failed before it changed anything) by default.
 */
export const BRANCH_KINDS = [
  'running',
  'checked_out',
  'work_in_progress',
  'unmerged',
  'merged',
  'empty',
] as const;
export type BranchKind = (typeof BRANCH_KINDS)[number];

/** What each kind of branch is, in words (the CLI's list and the Workspaces screen). */
export const BRANCH_KIND_LABEL: Record<BranchKind, string> = {
  running: 'running',
  checked_out: 'checked out',
  work_in_progress: 'work in progress',
  unmerged: 'unmerged',
  merged: 'merged',
  empty: 'empty',
};

/** One of Baton's task branches in a workspace. */
export interface TaskBranchInfo {
  name: string;
  run_id: string;
  task_id: string;
  tip: string;
  kind: BranchKind;
  /** Why it is what it is, in words (its task's status, where it is checked out). */
  why: string;
  /** When its run ended (else its tip was committed): what `older_than_days` compares. */
  ended_at: string;
  /** The task's status in its run, when Baton knows the run. */
  task_status: string | null;
}

/** A workspace's task branches (`workspaces.branches`). */
export interface WorkspaceBranches {
  workspace_id: string;
  branches: TaskBranchInfo[];
  /** Set when its repository is missing from disk: nothing could be listed. */
  missing?: string;
}

/** What `workspaces.deleteBranches` did in one workspace. */
export interface DeletedBranches {
  workspace_id: string;
  deleted: string[];
  /** Branches not deleted, and why (their kind without the flag that allows it, checked out, moved, not Baton's). */
  left: { name: string; why: string }[];
}

/** The folders in one folder of this machine (`workspaces.browse`): the add form's folder picker. */
export interface FolderListing {
  path: string;
  /** The folder above it; null at the top. */
  parent: string | null;
  /** The person's home folder, where the picker starts. */
  home: string;
  /** Its folders (hidden ones left out), by name; `repo` when one is a git repository. */
  folders: { name: string; repo: boolean }[];
  /** More folders than listed (the first 500 by name are). */
  truncated: boolean;
}

/** A folder about to be registered (`workspaces.inspect`): what the add form fills itself from. */
export interface RepositoryFacts {
  /** The repository's top folder (its real path). */
  path: string;
  /** The branch checked out there (the base branch by default); null: none. */
  branch: string | null;
  /** Its `origin` remote, offered as where its work lands, with the forge its URL is on when known. */
  origin: { url: string; forge: { kind: ForgeKind; repo: string } | null } | null;
  /** A workspace registered at that folder already. */
  registered_as: string | null;
}

/** Which kinds a cleanup deletes: merged and empty ones always; the others only when the person said so. */
export function deletableKinds(opts: {
  include_kept_work: boolean;
  include_unmerged: boolean;
}): BranchKind[] {
  return [
    'merged',
    'empty',
    ...(opts.include_kept_work ? (['work_in_progress'] as const) : []),
    ...(opts.include_unmerged ? (['unmerged'] as const) : []),
  ];
}

/**
 * Workspaces: git repositories people register for coding agents. Registered only
 * here (the UI, `baton workspaces`), never by importing a plan.
 */
export const workspaceMethods = {
  'workspaces.list': method(none).returns<Workspace[]>(),
  /**
   * Registers a repository: `path` must be a git repository (its real path is stored),
   * `base_branch` a branch of it (default: its current branch). An id already taken is a
   * `conflict`, never replaced.
   */
  'workspaces.add': method(workspaceInputSchema).returns<Workspace>(),
  /**
   * Changes what a person may change of a registered workspace: the OS sandbox its setup command
   * and checks run in (the whole policy, replaced; turning it off is recorded in the audit log),
   * the protected paths its agents may write on purpose (`allow_protected_writes`, replaced),
   * its checks (the whole list, replaced), where its work lands (`remote`, replaced; null:
   * nowhere), its setup command (null: none), the environment given to its setup command, checks
   * and agents (`env`, replaced; values may name secrets), the ignored paths a pooled worktree
   * keeps between attempts (`keep_ignored`, replaced), who may decide its approvals
   * (`approvers`, replaced; null: as the plan says) and whether its agents' servers in the sandbox
   * are reached from this machine (`forward_ports`; attempts started after). A field left out
   * stays as it is.
   */
  'workspaces.update': method(
    z.strictObject({
      workspace_id: idField,
      sandbox: sandboxPolicySchema.optional(),
      allow_protected_writes: allowProtectedWritesSchema.optional(),
      checks: workspaceChecksSchema.optional(),
      remote: workspaceRemoteSchema.nullable().optional(),
      /** Its setup command (argv; a script is `["sh", "-c", script]`); null: none. */
      setup_command: workspaceInputSchema.shape.setup_command.unwrap().nullable().optional(),
      env: workspaceInputSchema.shape.env.unwrap().optional(),
      keep_ignored: workspaceInputSchema.shape.keep_ignored.unwrap().optional(),
      /** Who may decide the approvals of work in it (null: as the plan says, else any member). */
      approvers: approversSchema.nullable().optional(),
      /** Whether its agents' servers in the sandbox are reached from this machine (two Node processes per running agent). */
      forward_ports: z.boolean().optional(),
    }),
  ).returns<Workspace>(),
  /**
   * The folders in a folder of this machine (default: the home folder), for the add form's
   * folder picker; each says whether it is a git repository.
   */
  'workspaces.browse': method(
    z.strictObject({ path: z.string().min(1).max(4_096).optional() }),
  ).returns<FolderListing>(),
  /**
   * What a folder is before it is registered: a git repository's top folder, its branch and its
   * origin (offered as the remote). Not a repository: `invalid_input` naming `path`.
   */
  'workspaces.inspect': method(
    z.strictObject({ path: z.string().min(1).max(4_096) }),
  ).returns<RepositoryFacts>(),
  /**
   * The hosts people allowed for the workspace when the sandbox asked (the network policy `ask`),
   * oldest first: every later attempt in it may reach them.
   */
  'workspaces.allowedHosts': method(byId('workspace_id')).returns<AllowedSandboxHost[]>(),
  /**
   * Forgets a host allowed for the workspace: later attempts are refused it (and, under `ask`,
   * asked about it again). Recorded in the audit log.
   */
  'workspaces.forgetHost': method(
    z.strictObject({ workspace_id: idField, host: sandboxHostSchema }),
  ).returns<{ forgotten: boolean }>(),
  /** Forgets a workspace (its repository and branches stay); refused while a run that names it executes. */
  'workspaces.remove': method(byId('workspace_id')).returns<{ removed: boolean }>(),
  /**
   * Removes the worktrees Baton left in a workspace (runs that ended, a crash during cleanup),
   * not those of runs still executing (in any process); `include_kept` also those people kept.
   * Without `workspace_id`, every workspace: one whose repository is missing from disk, or
   * whose pruning fails, is reported so (`missing`, `error`) and the others are pruned.
   */
  'workspaces.prune': method(
    z.strictObject({
      workspace_id: z.string().min(1).max(200).optional(),
      include_kept: z.boolean().default(false),
    }),
  ).returns<PruneReport[]>(),
  /**
   * Baton's task branches (`baton/<run>/<task>`; no other branch) in a workspace, or every one,
   * with what each holds (`BranchKind`), narrowed to one run's, or to those whose run ended more
   * than `older_than_days` ago.
   */
  'workspaces.branches': method(
    z.strictObject({
      workspace_id: idField.optional(),
      run_id: idField.optional(),
      older_than_days: z.number().min(0).max(36_500).optional(),
    }),
  ).returns<WorkspaceBranches[]>(),
  /**
   * Deletes the named task branches of a workspace, each only if it still has the tip given and
   * its kind allows it: merged and empty ones; work in progress only with `include_kept_work`,
   * a done task's unmerged work only with `include_unmerged`; never one a running run uses or
   * one checked out anywhere, never a branch that is not Baton's. What is left says why.
   */
  'workspaces.deleteBranches': method(
    z.strictObject({
      workspace_id: idField,
      branches: z
        .array(
          z.strictObject({ name: z.string().min(1).max(255), tip: z.string().regex(/^[0-9a-f]{40,64}$/) }),
        )
        .min(1)
        .max(10_000),
      include_kept_work: z.boolean().default(false),
      include_unmerged: z.boolean().default(false),
    }),
  ).returns<DeletedBranches>(),
  /**
   * What the workspace's checks will find: their PATH's folders, the `node` it gives (and its
   * version) and the `sh` (for `sh -c`), as the check form shows them before a check runs.
   */
  'workspaces.checkEnv': method(byId('workspace_id')).returns<CheckEnvironment>(),
  /** The coding CLIs found on PATH, with their versions, and an agent to register for each. */
  'workspaces.detectClis': method(none).returns<DetectedCli[]>(),
  /**
   * Opens a coding task's work in an editor on this machine: its worktree while it is on disk,
   * else its workspace's repository (or a workspace's repository, by `workspace_id`). The folder
   * is found from the ids, never taken from the caller. The desktop app's main process starts the
   * editor's program; elsewhere (`baton serve`) it is `unavailable`, and a browser opens the
   * editor's own link (`vscode://file/…`) instead.
   */
};

export type WorkspaceHandlers = HandlersOf<typeof workspaceMethods>;
