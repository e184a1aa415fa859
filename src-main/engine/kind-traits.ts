import type { Agent, AgentKind } from '../../src-shared/schemas/agent.ts';

/**
 * What the engine's core reads of an agent kind where it would otherwise name the kind: each
 * kind declares its traits on its registry entry (`src-main/agents/registry.ts`), and the app
 * hands the table to the engine (`EngineOptions.kindTraits`, read through
 * `AgentDirectory.traitsOf`). A kind's agent that pulls its work (a remote worker's) has its
 * kind's traits too.
 */
export interface KindTraits {
  /**
   * It thinks in model turns (an `llm` agent's tool loop, a coding CLI behind its metering
   * endpoint): the plan's or project's budget can stop it before a turn (`budget-rule.ts`), and
   * what it asked a person inside an attempt is waited out of its working time (`workedMs`).
   */
  readonly thinksInTurns: boolean;
  /**
   * Its attempt is a program that keeps a session a later attempt resumes and asks a person over
   * MCP, with a token in the attempt's own folder: found interrupted by a restart, what it asked
   * expires (its resumed session asks again) and that folder is removed.
   */
  readonly resumesSession: boolean;
  /**
   * Of an agent of a kind that resumes its session: its attempt asks a person in Baton's own
   * process, and its resumed session asks the same calls again (an ACP agent's loaded session).
   * Found interrupted by a restart, what it asked stays pending: the next attempt asking the same
   * tool with the same arguments waits on it, or gets the answer a person gave meanwhile.
   */
  readonly keepsAsksAcrossRestart?: (agent: Agent) => boolean;
  /** It works in a registered workspace: an agent of it that pulls its work is told the task's workspace. */
  readonly worksInWorkspace: boolean;
  /**
   * Its attempt's diff can be reviewed (`review: "diff"` on the task or the agent): the
   * `diff_review` gate asks a person after it, and a remote worker's agent is handed a
   * reviewer's request for changes with its next attempt.
   */
  readonly reviewsDiff: boolean;
}

/** Every kind's traits, by kind. */
export type KindTraitTable = { readonly [K in AgentKind]: KindTraits };

/** A kind the core treats like any other. */
export const NO_TRAITS: KindTraits = {
  thinksInTurns: false,
  resumesSession: false,
  worksInWorkspace: false,
  reviewsDiff: false,
};
