import type { AnyCodingCli } from './schemas/coding-clis.ts';

/** Each coding CLI as people call it. */
export const CLI_TITLES: Record<AnyCodingCli, string> = {
  claude: 'Claude Code',
  codex: 'Codex',
  opencode: 'opencode',
  qwen: 'qwen-code',
  gemini: 'Gemini CLI',
  acp: 'ACP agent',
};

/**
 * How a person's message reaches a running agent: into the turn running now (Claude Code's open
 * stdin, the LLM tool loop's next model call), or at its next turn (an ACP agent's next
 * `session/prompt`, a CLI's session resumed once its run ends). docs/steering.md.
 */
export type MessageDelivery = 'this_turn' | 'next_turn';

/** How a running attempt takes a person's message, as the task panel says it before it is sent. */
export interface MessageHow {
  delivery: MessageDelivery;
  /** `Claude Code: sent into this turn`, `ACP agent: queued for the next turn`. */
  says: string;
}

/** The line the task panel shows: who takes it, and how. */
export function messageHow(who: string, delivery: MessageDelivery, detail = ''): MessageHow {
  const how = delivery === 'this_turn' ? 'sent into this turn' : 'queued for the next turn';
  return { delivery, says: `${who}: ${how}${detail ? ` (${detail})` : ''}` };
}

/**
 * A person's hold on a coding task's agent between its turns (docs/steering.md): `interrupt`
 * stops the turn running now, the agent waiting for their next words; `pause` stops it the same
 * way and holds the agent, durably, until `resume`.
 */
export type TurnControl = 'interrupt' | 'pause' | 'resume';

/** How a task's agent is held now (`runs.turns`). */
export interface TurnState {
  /** `stopped`: its turn stopped, waiting for a message or Resume; `paused`: held until Resume; null: not held. */
  held: 'stopped' | 'paused' | null;
  /** Who paused it, and since when (ISO); null unless paused. */
  by: string | null;
  since: string | null;
  /**
   * Who keeps it held, when a person's terminal does (Take over: "Ana's terminal (Take over),
   * which lets its agent go on when Ana closes it…"): Resume is refused until it is closed, so
   * none is offered; null otherwise.
   */
  kept_by: string | null;
  /** Whether it runs a turn that can be stopped now (Stop this turn and Pause are offered). */
  can_stop: boolean;
  /**
   * Whether its agent waits between turns now, held (a stopped turn has ended, or a paused
   * attempt waits to start): nothing of the agent's writes its worktree, so it can be reverted.
   */
  between_turns: boolean;
}

/** What a person's control answers: how the task's agent is held now, and in words. */
export interface TurnControlled extends TurnState {
  run_id: string;
  task_id: string;
  says: string;
}
