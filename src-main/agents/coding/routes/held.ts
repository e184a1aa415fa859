import { AppError } from '../../../base/errors.ts';
import type { Release, TurnHold, TurnNote } from '../../../engine/attempt-turns.ts';

/** The next turn's words when a person lets a held agent go on without saying anything. */
export const GO_ON =
  'A person stopped your turn and now lets you go on: continue the task where you stopped.';

/** What a person did to the agent's turns, as the step the attempt records with their name. */
export function noteText(n: TurnNote): string {
  switch (n.what) {
    case 'stopped':
      return 'Stopped this turn';
    case 'paused':
      return 'Paused: no next turn until Resume';
    case 'resumed':
      return 'Resumed';
  }
}

/**
 * Where a turn ends (both routes): while a person holds the agent (its turn stopped, or paused),
 * waits until their message or Resume lets it go on, and says the next turn's words: the messages
 * held for it, else `GO_ON`. `stopped`: the route stopped this turn for a person (it goes on even
 * when their words let it go before the turn's end was heard). Undefined: not held, the turn ended as it would have; null: the
 * attempt ended meanwhile.
 */
export async function nextTurnAfterHold(
  turns: TurnHold | undefined,
  signal: AbortSignal,
  heard: string[],
  stopped: boolean,
): Promise<string | null | undefined> {
  if (!turns || (!stopped && turns.held() === null)) return undefined;
  const why: Release = await turns.wait(signal);
  if (why === 'aborted') return null;
  const said = heard.splice(0);
  return said.length > 0 ? said.join('\n\n') : GO_ON;
}

/**
 * The most words kept for an agent's next turn (a paused agent's, or one whose CLI takes none
 * into its running turn): past them, more would be one prompt nobody reads through, and memory
 * held for an agent nobody resumes.
 */
export const NEXT_TURN_CAP = { messages: 50, chars: 200_000 } as const;

/**
 * Keeps a person's message for the agent's next turn (`runs.say`), or refuses it, saying why,
 * when what waits already is at `NEXT_TURN_CAP`.
 */
export function keepForNextTurn(waiting: string[], text: string): void {
  const chars = waiting.reduce((n, t) => n + t.length, 0);
  if (waiting.length >= NEXT_TURN_CAP.messages || chars + text.length > NEXT_TURN_CAP.chars)
    throw new AppError(
      'conflict',
      `${waiting.length} message${waiting.length === 1 ? '' : 's'} (${chars.toLocaleString('en-US')} characters) already wait for the agent's next turn, the most kept (${NEXT_TURN_CAP.messages} messages, ${NEXT_TURN_CAP.chars.toLocaleString('en-US')} characters): say it once the agent goes on, or in fewer words`,
    );
  waiting.push(text);
}
