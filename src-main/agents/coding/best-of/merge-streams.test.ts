import { describe, expect, it } from 'vitest';
import { mergeStreams } from './merge-streams.ts';

async function* slow(name: string, n: number, waits: number[]) {
  for (let i = 0; i < n; i++) {
    await new Promise((r) => setTimeout(r, waits[i] ?? 0));
    yield `${name}${i}`;
  }
}

describe('mergeStreams', () => {
  it('passes on every event of every stream, each tagged with its stream, until all end', async () => {
    const got: string[] = [];
    for await (const e of mergeStreams([slow('a', 3, [5, 5, 5]), slow('b', 2, [0, 0]), slow('c', 0, [])]))
      got.push(`${e.from}:${e.value}`);
    expect(got.sort()).toEqual(['0:a0', '0:a1', '0:a2', '1:b0', '1:b1']);
    // Each stream's own events stay in order.
    expect(got.filter((g) => g.startsWith('0:'))).toEqual(['0:a0', '0:a1', '0:a2']);
  });

  it('ends with the error of a stream that throws', async () => {
    async function* bad() {
      yield 1;
      throw new Error('boom');
    }
    const run = async () => {
      for await (const _ of mergeStreams([bad(), slow('x', 1, [0]) as AsyncGenerator<unknown>]));
    };
    await expect(run()).rejects.toThrow('boom');
  });
});
