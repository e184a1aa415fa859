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
