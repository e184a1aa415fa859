import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Priority } from '../../src-shared/schemas/plan.ts';
import { taskScore } from './priority.ts';
import { ReadyQueue } from './ready-queue.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const start = Date.parse('2026-11-21T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
const PRIORITIES: readonly Priority[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
// Whole hours as well as any millisecond, so deadlines land on band edges (3 days ahead,
// midnight UTC, now) as time moves in whole hours too.
const offset = (min: number, max: number) =>
  fc.oneof(
    fc.integer({ min, max }),
    fc.integer({ min: min / HOUR, max: max / HOUR }).map((h) => h * HOUR),
  );
const deadline = fc.option(
  offset(-5 * DAY, 10 * DAY).map((d) => iso(start + d)),
  { nil: undefined },
);
/** How a property run draws its operations: on tasks t0…t`ids`, each kind by its weight. */
interface Shape {
  ids: number;
  priorities: Priority[];
  skills: string[];
  weights: Record<'push' | 'remove' | 'pop' | 'list' | 'wait' | 'jump', number>;
  /** The longest wait between two looks. */
  maxWait: number;
}

const ops = (s: Shape) => {
  const id = fc.integer({ min: 0, max: s.ids });
  const look = fc.constantFrom('*', ...s.skills);
  return fc.oneof(
    {
      weight: s.weights.push,
      arbitrary: fc.record({
        kind: fc.constant('push' as const),
        id,
        priority: fc.constantFrom(...s.priorities),
        deadline,
        skill: fc.constantFrom(...s.skills),
      }),
    },
    { weight: s.weights.remove, arbitrary: fc.record({ kind: fc.constant('remove' as const), id }) },
    { weight: s.weights.pop, arbitrary: fc.record({ kind: fc.constant('pop' as const), skill: look }) },
    {
      weight: s.weights.list,
      arbitrary: fc.record({
        kind: fc.constant('list' as const),
        skill: look,
        limit: fc.integer({ min: 1, max: 50 }),
      }),
    },
    {
      weight: s.weights.wait,
      arbitrary: fc.record({ kind: fc.constant('wait' as const), by: offset(0, s.maxWait) }),
    },
    // A jump may go back in time.
    {
      weight: s.weights.jump,
      arbitrary: fc.record({ kind: fc.constant('jump' as const), to: offset(-6 * DAY, 12 * DAY) }),
    },
  );
};

interface Modelled {
  id: string;
  priority: Priority;
  deadline: string | undefined;
  skill: string;
  seq: number;
}

describe('ready queue (property)', () => {
  const everything = { push: 1, remove: 1, pop: 1, list: 1, wait: 1, jump: 1 };
  it.each([
    // Few tasks, every kind of operation, many runs: the edge cases.
    {
      name: 'few tasks',
      runs: 300,
      length: 200,
      shape: {
        ids: 40,
        priorities: [...PRIORITIES],
        skills: ['a', 'b'],
        weights: everything,
        maxWait: 2 * DAY,
      },
    },
    // Hundreds of tasks in a few buckets, time moving by hours and never back: tasks that
    // left (removed, or moved up a band) pile up in the heaps until they are compacted.
    {
      name: 'crowded buckets',
      runs: 10,
      length: 2_000,
      shape: {
        ids: 600,
        priorities: ['LOW' as const],
        skills: ['a'],
        weights: { ...everything, push: 6, remove: 3, jump: 0 },
        maxWait: 6 * HOUR,
      },
    },
  ])('always yields what a full sort by score, then arrival, would, as time passes ($name)', (c) => {
    fc.assert(
      fc.property(fc.array(ops(c.shape), { minLength: c.length / 2, maxLength: c.length }), (ops) => {
        const q = new ReadyQueue();
        // Reference model: a plain list, sorted on every look.
        let model: Modelled[] = [];
        let seq = 0;
        let now = start;
        const sorted = (s: string) =>
          model
            .filter((m) => s === '*' || m.skill === s)
            .map((m) => ({ id: m.id, score: taskScore(m, now), seq: m.seq }))
            .sort((a, b) => b.score - a.score || a.seq - b.seq)
            .map(({ id, score }) => ({ id, score }));
        const accept = (s: string) => (g: { skills: readonly string[] }) => s === '*' || g.skills.includes(s);
        for (const o of ops) {
          if (o.kind === 'push') {
            const id = `t${o.id}`;
            if (model.some((m) => m.id === id)) continue;
            q.push('r', id, [o.skill], undefined, o.priority, o.deadline);
            model.push({ id, priority: o.priority, deadline: o.deadline, skill: o.skill, seq: seq++ });
          } else if (o.kind === 'remove') {
            const id = `t${o.id}`;
            expect(q.remove('r', id)).toBe(model.some((m) => m.id === id));
            model = model.filter((m) => m.id !== id);
          } else if (o.kind === 'wait') {
            now += o.by;
          } else if (o.kind === 'jump') {
            now = start + o.to;
          } else if (o.kind === 'list') {
            const got = q.list(now, accept(o.skill), o.limit);
            expect(got.map((g) => ({ id: g.task.taskId, score: g.score }))).toEqual(
              sorted(o.skill).slice(0, o.limit),
            );
          } else {
            const want = sorted(o.skill)[0];
            const got = q.best(now, accept(o.skill));
            expect(got && { id: got.task.taskId, score: got.score }).toEqual(want);
            if (!got) continue;
            q.remove('r', got.task.taskId);
            model = model.filter((m) => m.id !== got.task.taskId);
          }
          expect(q.size).toBe(model.length);
        }
      }),
      { numRuns: c.runs },
    );
  });
});

describe('ready queue', () => {
  const everyGroup = () => true;
  const order = (q: ReadyQueue, now: number) => q.list(now, everyGroup, 100).map((t) => t.task.taskId);

  it('keeps runs apart: one task id in two runs, a run dropped, skills grouped whatever their order', () => {
    const q = new ReadyQueue();
    q.push('r1', 't', ['b', 'a'], undefined, 'LOW', undefined);
    q.push('r2', 't', ['a', 'b', 'a'], undefined, 'HIGH', undefined);
    q.push('r2', 't', ['a'], undefined, 'CRITICAL', undefined); // already queued: ignored
    q.push('r2', 'u', ['a'], undefined, 'LOW', undefined);
    expect(q.size).toBe(3);
    expect(q.groupsList().map((g) => [g.runId, g.skills])).toEqual([
      ['r1', ['a', 'b']],
      ['r2', ['a', 'b']],
      ['r2', ['a']],
    ]);
    expect(q.best(start, everyGroup)?.task).toMatchObject({ runId: 'r2', taskId: 't', priority: 'HIGH' });
    expect(q.remove('r2', 't')).toBe(true);
    expect([q.has('r1', 't'), q.has('r2', 't'), q.remove('r2', 't')]).toEqual([true, false, false]);
    q.removeRun('r1');
    expect([q.size, q.has('r1', 't'), q.has('r2', 'u')]).toEqual([1, false, true]);
    expect(order(q, start)).toEqual(['u']);
    // One skills array shared by many tasks (a big plan's), across runs, groups emptied and dropped.
    const shared = ['a'];
    q.push('r1', 'v', shared, undefined, 'LOW', undefined);
    q.removeRun('r1');
    q.push('r1', 'w', shared, undefined, 'LOW', undefined);
    q.push('r2', 'x', shared, undefined, 'LOW', undefined);
    q.remove('r2', 'u');
    q.remove('r2', 'x');
    q.push('r2', 'y', shared, undefined, 'LOW', undefined);
    expect(order(q, start)).toEqual(['w', 'y']);
    expect(q.groupsList().map((g) => g.runId)).toEqual(['r1', 'r2']);
  });

  it('serves equal scores first come, whatever their deadlines', () => {
    const now = start;
    const overdue = new ReadyQueue();
    // Both LOW and overdue (score 10): the one queued first goes first, not the older deadline.
    overdue.push('r', 'first', [], undefined, 'LOW', iso(now - HOUR));
    overdue.push('r', 'second', [], undefined, 'LOW', iso(now - 2 * DAY));
    expect(overdue.best(now, everyGroup)).toMatchObject({ task: { taskId: 'first' }, score: 10 });
    expect(order(overdue, now)).toEqual(['first', 'second']);

    // Far deadlines boost nothing: all three score 100 and keep their arrival order.
    const far = new ReadyQueue();
    far.push('r', 'A', [], undefined, 'HIGH', iso(now + 20 * DAY));
    far.push('r', 'B', [], undefined, 'HIGH', iso(now + 10 * DAY));
    far.push('r', 'C', [], undefined, 'HIGH', undefined);
    expect(far.best(now, everyGroup)).toMatchObject({ task: { taskId: 'A' }, score: 100 });
    expect(order(far, now)).toEqual(['A', 'B', 'C']);
  });

  it('moves a task up as its deadline nears, behind tasks of its new score that came before it', () => {
    const q = new ReadyQueue();
    q.push('r', 'early', [], undefined, 'MEDIUM', iso(start + 4 * DAY));
    q.push('r', 'plain', [], undefined, 'MEDIUM', undefined);
    q.push('r', 'soon', [], undefined, 'MEDIUM', iso(start + 2 * DAY));
    // soon is due within 3 days (×2); early, 4 days out, ties with plain and came first.
    expect(q.list(start, everyGroup, 10).map((t) => [t.task.taskId, t.score])).toEqual([
      ['soon', 20],
      ['early', 10],
      ['plain', 10],
    ]);
    // A day later early is within 3 days too: it ties with soon, and came first.
    expect(q.best(start + DAY + HOUR, everyGroup)).toMatchObject({ task: { taskId: 'early' }, score: 20 });
    expect(order(q, start + DAY + HOUR)).toEqual(['early', 'soon', 'plain']);
    // Past soon's deadline it is overdue (×10) and ahead of everything.
    expect(q.best(start + 2 * DAY + 1, everyGroup)).toMatchObject({ task: { taskId: 'soon' }, score: 100 });
    // Back in time (a clock set back), the bands follow.
    expect(order(q, start)).toEqual(['soon', 'early', 'plain']);
    expect(q.best(start, everyGroup)?.score).toBe(20);
  });

  it('places tasks anew when the time zone changes under them ("today" is local)', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati'; // UTC+14
      const due = Date.parse('2026-11-23T12:00:00Z');
      const q = new ReadyQueue();
      q.push('r', 't', [], undefined, 'LOW', iso(due));
      // Within 3 days; "today" would begin at local midnight, 2026-11-23T10:00Z here.
      expect(q.list(Date.parse('2026-11-21T13:00:00Z'), everyGroup, 10).map((t) => t.score)).toEqual([2]);
      process.env.TZ = 'Etc/GMT+12'; // UTC−12: the due day now begins at 12:00Z, the due time
      const at = Date.parse('2026-11-23T11:00:00Z');
      expect(q.list(at, everyGroup, 10).map((t) => [t.task.taskId, t.score])).toEqual([['t', 2]]);
      expect(q.best(at, everyGroup)).toMatchObject({ task: { taskId: 't' }, score: 2 });
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('changes bands exactly at their edges, two at one instant included', () => {
    const q = new ReadyQueue();
    const noon = start;
    // At noon `due` stops being due today only just after noon; `near` (3 days out) is within
    // 3 days from noon on. Both changes fall on the same instant.
    q.push('r', 'due', [], undefined, 'LOW', iso(noon));
    q.push('r', 'near', [], undefined, 'MEDIUM', iso(noon + 3 * DAY));
    const scores = (now: number) =>
      Object.fromEntries(q.list(now, everyGroup, 10).map((t) => [t.task.taskId, t.score]));
    expect(scores(noon - 1)).toEqual({ due: 5, near: 10 });
    expect(scores(noon)).toEqual({ due: 5, near: 20 });
    expect(scores(noon + 1)).toEqual({ due: 10, near: 20 });
    // near is due today from the start of its UTC day, 60 hours later.
    expect(scores(noon + 3 * DAY - 12 * HOUR - 1)).toEqual({ due: 10, near: 20 });
    expect(scores(noon + 3 * DAY - 12 * HOUR)).toEqual({ due: 10, near: 50 });
  });

  it('still moves the tasks that stay when most tasks waiting for a band change are removed', () => {
    const q = new ReadyQueue();
    // 400 tasks, each due an hour after the one before, from 4 days out.
    for (let i = 0; i < 400; i++) q.push('r', `t${i}`, [], undefined, 'LOW', iso(start + 4 * DAY + i * HOUR));
    expect(q.best(start, everyGroup)).toMatchObject({ task: { taskId: 't0' }, score: 1 });
    // Every task but each tenth is removed before its deadline nears.
    for (let i = 0; i < 400; i++) if (i % 10 !== 0) q.remove('r', `t${i}`);
    const left = Array.from({ length: 40 }, (_, k) => k * 10);
    for (const days of [2, 5, 10, 20]) {
      const now = start + days * DAY;
      const want = left
        .map((i) => ({
          id: `t${i}`,
          score: taskScore({ priority: 'LOW', deadline: iso(start + 4 * DAY + i * HOUR) }, now),
        }))
        .sort((a, b) => b.score - a.score);
      expect(q.list(now, everyGroup, 100).map((t) => ({ id: t.task.taskId, score: t.score }))).toEqual(want);
    }
  });

  it('finds the best task for an agent among 100,000 queued without scanning them', () => {
    const now = start;
    const q = new ReadyQueue();
    for (let i = 0; i < 100_000; i++) q.push('r', `t${i}`, [`s${i % 5}`], undefined, 'MEDIUM', undefined);
    q.push('r', 'urgent', ['s3'], undefined, 'CRITICAL', undefined);
    const got = q.best(now, (g) => g.skills.every((s) => s === 's3' || s === 's4'));
    expect(got?.task.taskId).toBe('urgent');
    q.remove('r', 'urgent');
    expect(q.best(now, (g) => g.skills.includes('s4'))?.task.taskId).toBe('t4');
  });
});
