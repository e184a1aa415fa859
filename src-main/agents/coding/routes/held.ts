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
