import { Script } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskStatus } from '../../src-shared/schemas/plain/run.ts';
import type { TaskSpec } from '../../src-shared/schemas/plan.ts';
import { decideDependent, MATCH_TIME_LIMIT_MS } from './conditions.ts';

type OutputCondition = NonNullable<NonNullable<TaskSpec['condition']>['output']>;

/** Verdict for a task that depends on `review`, which ended done with `output`. */
function verdictOn(
  output: unknown,
  condition: Omit<OutputCondition, 'task_id' | 'path'> & { path?: string },
) {
  return decideDependent(
    { depends_on: ['review'], condition: { output: { task_id: 'review', path: '', ...condition } } },
    new Map([['review', { status: 'done' as TaskStatus, output }]]),
  );
}

/** Forty "a" then a "b": unbounded, `^(a+)+$` tries every way to split the a's (2^40) before failing. */
const EVIL = `${'a'.repeat(40)}b`;

describe('decideDependent: matches', () => {
  it('is ready when the output matches and skipped with the pattern when it does not', () => {
    expect(verdictOn({ verdict: 'reject' }, { path: 'verdict', matches: '^rej' })).toEqual({ kind: 'ready' });
    expect(verdictOn({ verdict: 'approve' }, { path: 'verdict', matches: '^rej' })).toEqual({
      kind: 'skip',
      reason: 'condition not met: output of "review" at verdict does not match /^rej/',
    });
  });

  it('matches a non-string value against its JSON text', () => {
    expect(verdictOn({ score: 42 }, { path: 'score', matches: '^4\\d$' })).toEqual({ kind: 'ready' });
  });

  it('gives up on a catastrophically backtracking pattern and skips the task saying why', () => {
    // Unbounded, this match takes seconds (7.8 s measured); the reason shows it was cut off.
    const verdict = verdictOn(EVIL, { matches: '^(a+)+$' });
    expect(verdict).toEqual({
      kind: 'skip',
      reason: `condition not met: matching /^(a+)+$/ against the output of "review" took longer than ${MATCH_TIME_LIMIT_MS} ms (the pattern backtracks too much on this output), so it counts as not matching`,
    });
  });

  it('asks a pattern once for dependents that share it on the same output (a fan-out)', () => {
    const run = vi.spyOn(Script.prototype, 'runInContext');
    const fanOut = `${EVIL}!`;
    expect(verdictOn(fanOut, { matches: '^(a+)+$' }).kind).toBe('skip');
    // The first ask may have run more than once (a busy machine's watchdog starting late is
    // retried): what counts is that the other dependents do not run it at all.
    const asked = run.mock.calls.length;
    for (let i = 0; i < 19; i++) expect(verdictOn(fanOut, { matches: '^(a+)+$' }).kind).toBe('skip');
    expect(run).toHaveBeenCalledTimes(asked);
    // Another output is asked anew.
    expect(verdictOn('aaa', { matches: '^(a+)+$' })).toEqual({ kind: 'ready' });
    expect(run.mock.calls.length).toBeGreaterThan(asked);
    run.mockRestore();
  });

  it('still matches normally after a match timed out', () => {
    verdictOn(EVIL, { matches: '^(a+)+$' });
    expect(verdictOn(EVIL, { matches: 'a+b$' })).toEqual({ kind: 'ready' });
    expect(verdictOn('a'.repeat(40), { matches: '^(a+)+$' })).toEqual({ kind: 'ready' });
  });

  it('finds a match anywhere in a long output: the text is not cut short', () => {
    const long = `${'x'.repeat(200_000)}verdict: reject`;
    expect(verdictOn(long, { matches: 'verdict: reject$' })).toEqual({ kind: 'ready' });
    expect(verdictOn(long, { matches: 'verdict: (reject|rework)$' })).toEqual({ kind: 'ready' });
  });

  it('skips with the error, rather than throwing, when the pattern is not a valid regular expression', () => {
    const verdict = verdictOn('x', { matches: '(' });
    expect(verdict.kind).toBe('skip');
    expect(verdict).toMatchObject({
      reason: expect.stringMatching(/^condition not met: could not match \/\(\/ against/),
    });
  });
});

describe('decideDependent: matches on a busy machine', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const timedOut = () =>
    Object.assign(new Error('Script execution timed out'), { code: 'ERR_SCRIPT_EXECUTION_TIMEOUT' });

  it('tries again when the timeout fired though the match used almost no CPU (the watchdog started late)', () => {
    const run = vi.spyOn(Script.prototype, 'runInContext');
    run.mockImplementationOnce(() => {
      throw timedOut();
    });
    expect(verdictOn('ok', { matches: 'o+k' })).toEqual({ kind: 'ready' });
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('does not try again when the match burned its time budget', () => {
    const run = vi.spyOn(Script.prototype, 'runInContext').mockImplementation(() => {
      const start = process.threadCpuUsage();
      for (;;) {
        const used = process.threadCpuUsage(start);
        if (used.user + used.system >= MATCH_TIME_LIMIT_MS * 1000) throw timedOut();
      }
    });
    // Another pattern than the test above: an answer is remembered per pattern and output.
    expect(verdictOn('ok', { matches: 'o*k' })).toMatchObject({
      kind: 'skip',
      reason: expect.stringContaining(`took longer than ${MATCH_TIME_LIMIT_MS} ms`),
    });
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe('decideDependent: equals', () => {
  it('treats objects with the same keys in another order as equal', () => {
    expect(verdictOn({ result: { y: 2, x: 1 } }, { path: 'result', equals: { x: 1, y: 2 } })).toEqual({
      kind: 'ready',
    });
    expect(
      verdictOn([{ b: [1, { d: 4, c: 3 }], a: 'z' }], { equals: [{ a: 'z', b: [1, { c: 3, d: 4 }] }] }),
    ).toEqual({
      kind: 'ready',
    });
  });

  it('compares as JSON: an undefined key is absent and -0 equals 0', () => {
    expect(verdictOn({ x: 1, note: undefined }, { equals: { x: 1 } })).toEqual({ kind: 'ready' });
    expect(verdictOn({ x: -0 }, { equals: { x: 0 } })).toEqual({ kind: 'ready' });
  });

  it('skips when a value, a key or an array element differs', () => {
    const skip = (output: unknown, equals: unknown) =>
      expect(verdictOn(output, { equals }).kind).toBe('skip');
    skip({ x: 1, y: 3 }, { x: 1, y: 2 });
    skip({ x: 1 }, { x: 1, y: 2 });
    skip({ x: 1, y: 2, z: 3 }, { x: 1, y: 2 });
    skip({ x: 1, z: 2 }, { x: 1, y: 2 });
    skip([1, 2], [2, 1]);
    skip([1, 2], { 0: 1, 1: 2 });
    skip('1', 1);
    skip(null, {});
    skip(undefined, null);
    expect(verdictOn({ x: 1, y: 3 }, { equals: { x: 1, y: 2 } })).toEqual({
      kind: 'skip',
      reason: 'condition not met: output of "review" does not equal {"x":1,"y":2}',
    });
  });
});

describe('decideDependent: paths', () => {
  it('sees only the output’s own keys: nothing inherited exists (constructor, __proto__, toString)', () => {
    for (const path of [
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'result.constructor.name',
    ]) {
      expect(verdictOn({ result: {} }, { path, exists: true }).kind, path).toBe('skip');
      expect(verdictOn({ result: {} }, { path, exists: false }), path).toEqual({ kind: 'ready' });
    }
    expect(verdictOn({}, { path: 'constructor', matches: 'Object' }).kind).toBe('skip');
    expect(verdictOn({}, { path: 'toString', equals: null }).kind).toBe('skip');
  });

  it('follows keys an output really has, even ones named like inherited properties', () => {
    const output = JSON.parse('{"__proto__": {"x": 1}, "constructor": "yes", "toString": false}');
    expect(verdictOn(output, { path: '__proto__.x', equals: 1 })).toEqual({ kind: 'ready' });
    expect(verdictOn(output, { path: 'constructor', equals: 'yes' })).toEqual({ kind: 'ready' });
    expect(verdictOn(output, { path: 'toString', exists: true })).toEqual({ kind: 'ready' });
  });

  it('reads arrays as JSON does: elements by index, no length', () => {
    const output = { items: ['a', 'b'] };
    expect(verdictOn(output, { path: 'items.1', equals: 'b' })).toEqual({ kind: 'ready' });
    expect(verdictOn(output, { path: 'items.2', exists: false })).toEqual({ kind: 'ready' });
    expect(verdictOn(output, { path: 'items.length', exists: false })).toEqual({ kind: 'ready' });
    expect(verdictOn(output, { path: 'items.01', exists: false })).toEqual({ kind: 'ready' });
    expect(verdictOn(output, { path: 'items.map', exists: false })).toEqual({ kind: 'ready' });
  });
});

describe('decideDependent: dependencies named like inherited properties', () => {
  it('a dependency called toString or constructor that the condition does not name must be done', () => {
    for (const dep of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const spec = { depends_on: ['a', dep], condition: { dependencies: { a: ['failed' as const] } } };
      const tasks = new Map<string, { status: TaskStatus; output: unknown }>([
        ['a', { status: 'failed', output: null }],
        [dep, { status: 'done', output: null }],
      ]);
      expect(decideDependent(spec, tasks), dep).toEqual({ kind: 'ready' });
      tasks.get(dep)!.status = 'failed';
      expect(decideDependent(spec, tasks), dep).toEqual({
        kind: 'skip',
        reason: `dependency "${dep}" ended failed`,
      });
    }
  });
});
