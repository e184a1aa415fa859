import { afterEach, describe, expect, it, vi } from 'vitest';
import { quietWarm } from './quiet-warm.ts';

afterEach(() => vi.useRealTimers());

describe('what the host loads in its first quiet moment', () => {
  it('waits while answers go out, loads once they pause, and once only', () => {
    vi.useFakeTimers();
    const warm = vi.fn();
    const q = quietWarm(warm);
    q.start();
    // The page and its scripts, answered one after another.
    for (let i = 0; i < 5; i++) {
      q.settle();
      vi.advanceTimersByTime(10);
    }
    expect(warm).not.toHaveBeenCalled();
    vi.advanceTimersByTime(20);
    expect(warm).toHaveBeenCalledTimes(1);
    q.settle();
    vi.advanceTimersByTime(2_000);
    expect(warm).toHaveBeenCalledTimes(1);
  });

  it('keeps its latest moment while answers never pause', () => {
    vi.useFakeTimers();
    const warm = vi.fn();
    const q = quietWarm(warm);
    q.start();
    for (let i = 0; i < 99; i++) {
      q.settle();
      vi.advanceTimersByTime(10);
    }
    expect(warm).not.toHaveBeenCalled();
    q.settle();
    vi.advanceTimersByTime(10);
    expect(warm).toHaveBeenCalledTimes(1);
  });

  it('loads a second after the host listens when no page comes, and never once the host stops', () => {
    vi.useFakeTimers();
    const warm = vi.fn();
    const q = quietWarm(warm);
    q.start();
    vi.advanceTimersByTime(999);
    expect(warm).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(warm).toHaveBeenCalledTimes(1);
    const stopped = vi.fn();
    const r = quietWarm(stopped);
    r.start();
    r.stop();
    vi.advanceTimersByTime(5_000);
    expect(stopped).not.toHaveBeenCalled();
  });
});
