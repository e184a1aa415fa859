import { z } from 'zod';
import type { AnyCodingCli, CodingCli, EnvValue } from './agent.ts';
import { envMapSchema } from './agent.ts';
import type { BestOfSummary } from './best-of.ts';
import type { CheckOutcome, WorkspaceCheck } from './checks.ts';
import { workspaceChecksSchema } from './checks.ts';
import { idSchema } from './common.ts';
import type { WorkspaceRemote } from './forge.ts';
import { workspaceRemoteSchema } from './forge.ts';
import type { Approvers } from './people.ts';
import { approversSchema } from './people.ts';
import type { ProtectedName } from './protected-paths.ts';
import { allowProtectedWritesSchema } from './protected-paths.ts';
import type { SandboxPolicy } from './sandbox.ts';
import { sandboxPolicySchema } from './sandbox.ts';

/**
 * One pattern of `keep_ignored`: a gitignore line that names paths (no comment, no negation,
 * one line).
 */
const keepPatternSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255)
  .refine((p) => !/[\0\n\r]/.test(p), 'must be one line')
  .refine((p) => !p.startsWith('#'), 'must not start with # (a comment in gitignore)')
  .refine((p) => !p.startsWith('!'), 'must not start with ! (a negation: list only what to keep)');

/**
 * Workspaces: git repositories a person registers for coding agents to work in. A
 * plan names one by id (`workspace`, on the plan or a task); importing a plan never adds one.
 * Each attempt of a coding task works in its own git worktree of it, on branch
 * `baton/<run>/<task>`.
 */
export const workspaceInputSchema = z.strictObject({
  id: idSchema,
  /** The repository's folder (absolute; its real path is stored). */
  path: z.string().min(1, 'must not be empty').max(4_096),
  /** Where tasks without coding dependencies start; default: the repository's current branch. */
  base_branch: z.string().min(1, 'must not be empty').max(255).optional(),
  /**
   * Run in each new worktree before the agent, without a shell (`["npm", "ci"]`); its failure
   * fails the attempt.
   */
  setup_command: z.array(z.string().max(100_000)).min(1, 'must name a program').max(1_000).optional(),
  /** Given to the setup command and to every agent working here (values may name secrets). */
  env: envMapSchema.default({}),
  /**
   * Ignored paths a worktree taken from the pool keeps from its last attempt (gitignore
   * patterns: `node_modules/`, `.venv/`), so a setup command such as `npm install` has little
   * to do. Everything else the last attempt left still goes; a path git does not ignore is never kept.
   */
  keep_ignored: z.array(keepPatternSchema).max(50).default([]),
  /** The OS sandbox its setup command runs in (`src-shared/schemas/sandbox.ts`); absent: required, nothing listed. */
  sandbox: sandboxPolicySchema.optional(),
  /**
   * Protected paths of a worktree its agents, setup command and checks may write on purpose
   * (`.vscode`, `.mcp.json`: names of `protected-paths.ts`); every other one stays read-only in
   * the sandbox. A change to any of them is marked in the diff review all the same.
   */
  allow_protected_writes: allowProtectedWritesSchema.default([]),
  /**
   * Named commands run in a coding attempt's worktree after its agent ended well, in the
   * workspace's sandbox (`checks.ts`); a failing one goes back to the agent (`fix_rounds`).
   */
  checks: workspaceChecksSchema.default([]),
  /** Where its work lands: a git remote, and the forge that hosts it (`src-shared/schemas/forge.ts`). */
  remote: workspaceRemoteSchema.optional(),
  /** Who may decide the approvals of work in it, unless its task or plan names its own (`people.ts`). */
  approvers: approversSchema.optional(),
  /**
   * Whether a server its coding agents start in the OS sandbox on their worktree's ports is
   * reached from this machine (docs/worktrees.md): each running agent then starts through two small
   * Node processes that forward the ports into its sandbox. Off by default: they cost every
   * attempt, even one that starts no server.
   */
  forward_ports: z.boolean().default(false),
});
export type WorkspaceInput = z.input<typeof workspaceInputSchema>;

export interface Workspace {
  id: string;
  /** Real path of the repository's top folder. */
  path: string;
  base_branch: string;
  setup_command: string[] | null;
  env: Record<string, EnvValue>;
  /** Ignored paths a worktree taken from the pool keeps (see workspaceInputSchema). */
  keep_ignored: string[];
  /** Its setup command's sandbox, as set (null: the default, required with nothing listed). */
  sandbox: SandboxPolicy | null;
  /** Protected paths its agents may write on purpose (see workspaceInputSchema); absent: none. */
  allow_protected_writes?: ProtectedName[];
  /** Its checks, in the order they run. */
  checks: WorkspaceCheck[];
  /** Where its work lands (pushes, pull requests); null or absent: nowhere, work stays local. */
  remote?: WorkspaceRemote | null;
  /** Who may decide the approvals of work in it (absent: as the plan says, else any member). */
  approvers?: Approvers;
  /** Whether its agents' servers in the sandbox are reached from this machine (see workspaceInputSchema). */
  forward_ports: boolean;
  created_at: string;
  /**
   * How many finished worktrees Baton keeps parked for the next attempt here (a full checkout
   * each; `baton workspaces prune` removes them). Given by `workspaces.list` only.
   */
  parked_worktrees?: number;
  /**
   * How many of its tasks' worktrees are on disk now: in use by a run, or kept by a person
   * (`runs.keepWorktree`). Given by `workspaces.list` only.
   */
  open_worktrees?: number;
  /** The plans whose current version names it (on the plan or a task). Given by `workspaces.list` only. */
  plans?: { plan_id: string; name: string }[];
  /**
   * Null while its repository is where it was registered; else what is wrong, in a few words
   * ("its folder is gone (deleted or moved)", "its folder is no longer a git repository (no
   * .git)"; its path is `path`): runs whose coding tasks work in it are
   * refused until it is registered again where it is. Given by `workspaces.list` only.
   */
  missing?: string | null;
}

/**
 * What a coding task's branch holds that nobody reviewed, recorded when its worktree was let go
 * (its run ended) without the task done: a failed, timed-out, budget-stopped, cancelled or
 * interrupted attempt's work. What the attempt left uncommitted is committed on the branch as a
 * work-in-progress commit (`wip_commit`), so nothing it wrote is lost with the worktree; the
 * branch stays until a person resumes the work (a new run goes on with it, `resumed`) or
 * discards it (the branch is deleted, `discarded`).
 */
export interface KeptWork {
  /** The branch's commit when it was kept: the work-in-progress commit, or the agent's own last commit. */
  head: string;
  /** Baton's work-in-progress commit of what the attempt left uncommitted; null when it left nothing uncommitted. */
  wip_commit: string | null;
  /** The attempt that left it, and how the task ended (`failed`, `cancelled`, `skipped`), with why when known. */
  attempt: number;
  ended: string;
  reason: string | null;
  /** What the branch changed since the task's start. */
  files: number;
  additions: number;
  deletions: number;
  /** When it was kept. */
  at: string;
  state: 'kept' | 'resumed' | 'discarded';
  /** The run that went on with it (`resumed`). */
  resumed_by: string | null;
  /**
   * Why Baton could not commit what was left (the agent left a merge unfinished, or switched
   * branch): the worktree is kept on disk as it is instead, for the person to see. Null otherwise.
   */
  not_committed: string | null;
}

/** A coding task's worktree: in use (or kept while its run goes on), kept by a person, or removed. */
export const SESSION_STATES = ['active', 'kept', 'removed'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/**
 * A coding task's session: its worktree and branch, and the CLI's own session id once printed.
 * Stored as soon as the worktree exists and again as soon as the CLI names its session, so that
 * after a crash the next attempt resumes that session in that worktree.
 */
export interface TaskSession {
  run_id: string;
  task_id: string;
  workspace_id: string;
  agent_id: string;
  cli: AnyCodingCli;
  /** The worktree's folder. */
  dir: string;
  branch: string;
  /** Where the branch started: the task's diff is taken against it. */
  start_commit: string;
  /** The CLI's session (claude, qwen), thread (codex) or session (opencode) id; null until printed. */
  session_id: string | null;
  /** The CLI's own config and session store, when Baton wrote one (a provider); null: the person's own. */
  home: string | null;
  /** The attempt that last worked in it. */
  attempt: number;
  state: SessionState;
  updated_at: string;
  /** The unreviewed work its branch was kept with when the run ended without the task done; null otherwise. */
  kept_work?: KeptWork | null;
  /** The run whose kept work of this task this session goes on with (a resume: same branch, worktree folder and CLI session). */
  continues?: string | null;
}

/** One changed file of a coding task's result. */
export interface ChangedFile {
  path: string;
  old_path?: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  /** Null for a binary file. */
  additions: number | null;
  deletions: number | null;
}

/** What a coding task's attempt answers (its output), and what its dependents are handed. */
export interface CodingOutput {
  workspace_id: string;
  branch: string;
  /** The branch's commit when the attempt ended (leftovers committed). */
  commit: string;
  start_commit: string;
  files: ChangedFile[];
  additions: number;
  deletions: number;
  /** The CLI's final text. */
  summary: string;
  session_id: string | null;
  /** The unified diff's artifact name (`changes.diff`), null when nothing changed. */
  diff_artifact: string | null;
  /** How the workspace's checks ended on this work (the last round); absent when none ran. */
  checks?: CheckOutcome[];
  /** How many times failing checks went back to the agent. */
  fix_rounds?: number;
  /** A best-of attempt's candidates, ranked, and the winner whose work this is (docs/best-of.md). */
  best_of?: BestOfSummary;
}

/** A coding CLI found on this machine (`workspaces.detectClis`). */
export interface DetectedCli {
  cli: CodingCli;
  found: boolean;
  /** Where it was found on PATH. */
  path: string | null;
  /** What `<cli> --version` printed (first line), or why it could not be asked. */
  version: string | null;
  error: string | null;
  /** The command that installs it (`npm install -g …`), said when it is not found. */
  install: string;
  /** A coding agent to register for it (a person fills in skills and the rest). */
  suggested_agent: { id: string; kind: 'coding'; cli: CodingCli; skills: string[] };
  /**
   * The registered coding agents of this CLI that name their own program (`executable`), each
   * with what is wrong with it ("no file at …", "… is not executable"); null when it is an
   * executable file. Their agents do not look on PATH.
   */
  programs: { agent_id: string; executable: string; problem: string | null }[];
}
