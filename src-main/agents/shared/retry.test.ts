import { describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../engine/executor.ts';
import type { Attempt } from './retry.ts';
import { backoffMs, withRetries } from './retry.ts';

const policy = { maxRetries: 2, baseMs: 1, maxMs: 50, random: () => 0.5 };

async function run<T>(attempts: Attempt<T>[], signal = new AbortController().signal, maxMs = 50) {
  const events: ExecutorEvent[] = [];
  let tries = 0;
  const gen = withRetries(async () => attempts[tries++]!, { ...policy, maxMs }, signal);
  for (;;) {
    const next = await gen.next();
    if (next.done) return { result: next.value, events, tries };
    events.push(next.value);
  }
}

describe('backoffMs', () => {
  it('doubles per retry, with jitter between half and all, capped', () => {
    const p = { baseMs: 100, maxMs: 1_000 };
    expect(backoffMs(0, { ...p, random: () => 0 })).toBe(50);
    expect(backoffMs(2, { ...p, random: () => 0.999_999 })).toBe(400);
    expect(backoffMs(10, { ...p, random: () => 0 })).toBe(500);
  });
});

describe('withRetries', () => {
  it('retries retryable failures and announces each retry', async () => {
    const { result, events, tries } = await run([
      { ok: false, error: 'HTTP 503', retryable: true },
      { ok: true, value: 'fine' },
    ]);
    expect(result).toEqual({ ok: true, value: 'fine' });
    expect(tries).toBe(2);
    expect(events).toEqual([{ type: 'log', stream: 'info', text: 'HTTP 503; retry 1 of 2 in 1 ms' }]);
  });

  it('stops at once on a failure that is not retryable', async () => {
    const { result, tries } = await run([{ ok: false, error: 'HTTP 401', retryable: false }]);
    expect([result.ok, tries]).toEqual([false, 1]);
  });

  it('gives up after maxRetries retries, with the last failure', async () => {
    const fail = { ok: false, error: 'down', retryable: true } as const;
    const { result, tries } = await run([fail, fail, { ...fail, error: 'still down' }, fail]);
    expect([result.ok || result.error, tries]).toEqual(['still down', 3]);
  });

  it('honours Retry-After up to the cap', async () => {
    const { result, events } = await run([
      { ok: false, error: 'HTTP 429', retryable: true, retryAfterMs: 60_000 },
      { ok: true, value: 1 },
    ]);
    expect(events[0]).toEqual({ type: 'log', stream: 'info', text: 'HTTP 429; retry 1 of 2 in 50 ms' });
    expect(result.ok).toBe(true);
  });

  it('stops waiting when aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    const started = Date.now();
    const { result } = await run(
      [{ ok: false, error: 'HTTP 429', retryable: true, retryAfterMs: 60_000 }],
      ac.signal,
      60_000,
    );
    expect(result).toMatchObject({ ok: false, aborted: true });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
