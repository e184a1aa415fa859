/**
 * Several async generators read at once: each event comes out tagged with the index of the
 * generator that yielded it, as soon as it is there; the merged stream ends when all have ended.
 * A generator that throws ends the merged stream with that error (the others are returned).
 */
export async function* mergeStreams<T>(
  streams: readonly AsyncGenerator<T>[],
): AsyncGenerator<{ from: number; value: T }> {
  type Next = { from: number; r: IteratorResult<T> };
  const pending = new Map<number, Promise<Next>>();
  const pull = (from: number) => {
    pending.set(
      from,
      streams[from]!.next().then((r) => ({ from, r })),
    );
  };
  for (let i = 0; i < streams.length; i++) pull(i);
  try {
    while (pending.size > 0) {
      const { from, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(from);
        continue;
      }
      pull(from);
      yield { from, value: r.value };
    }
  } finally {
    // Left early (the reader stopped, or one threw): the rest are told to end.
    for (const from of pending.keys()) void streams[from]!.return(undefined).catch(() => {});
  }
}
