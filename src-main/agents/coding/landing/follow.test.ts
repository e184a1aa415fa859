import { describe, expect, it } from 'vitest';
import { nextPollIn } from './follow.ts';

describe('how long until an open pull request is polled again', () => {
  it('doubles from the first wait up to the most', () => {
    const follow = { firstMs: 30_000, maxMs: 30 * 60_000 };
    expect([0, 1, 2, 3, 5, 6, 7, 100].map((n) => nextPollIn(n, follow))).toEqual([
      30_000, 60_000, 120_000, 240_000, 960_000, 1_800_000, 1_800_000, 1_800_000,
    ]);
  });
});
