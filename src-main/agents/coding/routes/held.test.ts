import { describe, expect, it } from 'vitest';
import { keepForNextTurn, NEXT_TURN_CAP } from './held.ts';

describe('words kept for a held agent’s next turn', () => {
  it('keeps messages up to the cap, then refuses, saying how many wait, and keeps nothing more', () => {
    const waiting: string[] = [];
    for (let i = 0; i < NEXT_TURN_CAP.messages; i++) keepForNextTurn(waiting, `note ${i}`);
    expect(waiting).toHaveLength(NEXT_TURN_CAP.messages);
    expect(() => keepForNextTurn(waiting, 'one more')).toThrow(
      /^50 messages \(\d+ characters\) already wait for the agent's next turn, the most kept \(50 messages, 200,000 characters\)/,
    );
    expect(waiting).toHaveLength(NEXT_TURN_CAP.messages);
  });

  it('refuses a message that would pass the characters kept, whatever the count', () => {
    const waiting = ['x'.repeat(150_000)];
    expect(() => keepForNextTurn(waiting, 'y'.repeat(60_000))).toThrow(/^1 message \(150,000 characters\)/);
    keepForNextTurn(waiting, 'y'.repeat(50_000));
    expect(waiting).toHaveLength(2);
  });
});
