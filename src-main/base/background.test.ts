import { spawnSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BackgroundWork, inBackground } from './background.ts';
import { describeError, errorLine } from './log-line.ts';

const full = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });

describe('background work', () => {
  let logged: [unknown, string | undefined][];
  const log = (err: unknown, where?: string) => logged.push([err, where]);
  beforeEach(() => {
    logged = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs what a timer, an interval or a promise throws, naming the work, and throws nothing', async () => {
    const work = new BackgroundWork('search indexing', log);
    work.after(10, () => {
      throw full();
    });
    const timer = work.every(100, () => Promise.reject(new Error('gone')));
    await vi.advanceTimersByTimeAsync(150);
    clearInterval(timer);
    expect(logged.map(([e, where]) => [(e as Error).message, where])).toEqual([
      ['database or disk is full', 'search indexing'],
      ['gone', 'search indexing'],
    ]);
  });

  it('logs a streak of the same failure once, again when it changes, and again after a success', async () => {
    const work = new BackgroundWork('renewing run leases', log);
    let fail: Error | null = full();
    const timer = work.every(1_000, () => {
      if (fail) throw fail;
    });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(logged).toHaveLength(1);
    expect(work.failing).toBe(10);
    fail = new Error('disk I/O error');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(logged).toHaveLength(2);
    fail = null;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(work.failing).toBe(0);
    fail = full();
    await vi.advanceTimersByTimeAsync(1_000);
    clearInterval(timer);
    expect(logged.map(([e]) => (e as Error).message)).toEqual([
      'database or disk is full',
      'disk I/O error',
      'database or disk is full',
    ]);
  });

  it('tells work that failed when to try again: doubling from the first wait up to the most', () => {
    const work = new BackgroundWork('search indexing', log, { firstMs: 1_000, maxMs: 8_000 });
    const waits: number[] = [];
    for (let i = 0; i < 6; i++)
      work.run(
        () => {
          throw full();
        },
        (ms) => waits.push(ms),
      );
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 8_000, 8_000]);
    expect(logged).toHaveLength(1);
    work.run(() => {});
    expect(work.failed(full())).toBe(1_000);
  });

  it('is no success when the work reported a failure of its own', () => {
    const work = new BackgroundWork('resuming a run', log);
    work.failed(full());
    work.run(() => work.failed(full()));
    expect(work.failing).toBe(2);
    expect(logged).toHaveLength(1);
  });

  it('lets nothing escape: not a log that throws, nor a retry that does', async () => {
    const work = new BackgroundWork('x', () => {
      throw new Error('log broken');
    });
    expect(() =>
      work.run(
        () => {
          throw full();
        },
        () => {
          throw new Error('retry broken');
        },
      ),
    ).not.toThrow();
    inBackground('y', () => Promise.reject(full()), log);
    await vi.advanceTimersByTimeAsync(0);
    expect(logged.map(([, where]) => where)).toEqual(['y']);
  });
});

describe('an error log line', () => {
  it('is one line, whatever the error holds: a stack, newlines in its message', () => {
    const err = Object.assign(new Error('first\nsecond\n  third'), { code: 'SQLITE_FULL' });
    const line = errorLine(err, 'plans.import');
    expect(line).not.toContain('\n');
    expect(line).toMatch(
      /^plans\.import failed: Error: first second third \(at .*background\.test\.ts:\d+:\d+\)$/,
    );
    expect(describeError('plain')).toBe('plain');
  });

  it('is what the default log writes to stderr: exactly one line', () => {
    // A process of its own, so its stderr is all it wrote.
    const script = `
      import { inBackground } from './src-main/base/background.ts';
      inBackground('search indexing', () => {
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      });
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: `${import.meta.dirname}/../..`,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^search indexing failed: Error: database or disk is full \(at /);
  });
});
