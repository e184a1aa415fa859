import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { SandboxPolicy } from '../../../../src-shared/schemas/sandbox.ts';
import type { CodingContext, SessionNote } from '../../../engine/executor.ts';
import type { AttemptLink } from './attempt-links.ts';
import type { dependencyBranches, prepare } from './worktree.ts';

/** What the attempt prepared before its agent runs, on whichever route. */
export interface Ready {
  worktree: Extract<Awaited<ReturnType<typeof prepare>>, { ok: true }>['worktree'];
  from: ReturnType<typeof dependencyBranches>;
  provider: { base_url: string; api_key: string } | null;
  clean: (text: string) => string;
  secrets: string[];
  tmp: string;
  /** The workspace's and agent's environment, secrets resolved. */
  env: Record<string, string>;
  /** Baton's MCP server for this attempt, when a person approves the CLI's tool calls. */
  link: AttemptLink | null;
  /** The seq of the CLI's first step (after the prompt, seq 0, and what the setup command's sandbox refused). */
  firstSeq?: number;
  /** The seq of the prompt's step (0; a fix round's prompt comes after the checks' steps). */
  promptSeq?: number;
  /**
   * The OS sandbox the CLI runs in: its agent's policy narrowed by the plan, Baton's folders to
   * hide, and the protected paths of the worktree it may write on purpose (the workspace's).
   */
  sandbox: { policy: SandboxPolicy; hide: readonly string[]; mayWrite?: readonly string[] | undefined };
  /**
   * Told when the agent ended well and its work is about to be committed: the checks' sandbox
   * starts then (fix-loop.ts), beside the commit instead of after it.
   */
  finishing?: (() => void) | undefined;
}

/** The session an attempt's worktree holds, before its agent names its own session id. */
export function sessionNote(agent: CodingAgent, coding: CodingContext, r: Ready): SessionNote {
  return {
    workspace_id: coding.workspace.id,
    cli: agent.cli,
    dir: r.worktree.dir,
    branch: r.worktree.branch,
    start_commit: r.worktree.startCommit,
    session_id: null,
    home: r.provider ? coding.home : null,
  };
}
