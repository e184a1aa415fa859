import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Priority } from '../../src-shared/schemas/plan.ts';
import { taskScore } from './priority.ts';
import { ReadyQueue } from './ready-queue.ts';

const now = Date.parse('2026-11-21T12:00:00Z');
const priority = fc.constantFrom<Priority>('CRITICAL', 'HIGH', 'MEDIUM', 'LOW');
const deadline = fc.option(
  fc.integer({ min: -5 * 86_400_000, max: 10 * 86_400_000 }).map((d) => new Date(now + d).toISOString()),
  { nil: undefined },
);
const op = fc.oneof(
  fc.record({
    kind: fc.constant('push' as const),
    id: fc.integer({ min: 0, max: 40 }),
    priority,
    deadline,
    skill: fc.constantFrom('a', 'b'),
  }),
  fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant('pop' as const), skill: fc.constantFrom('a', 'b', '*') }),
);

describe('ready queue (property)', () => {
  it('always yields what a full sort by score, then arrival, would', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const q = new ReadyQueue();
        // Reference model: a plain list, sorted on every pop.
        let model: {
          id: string;
          priority: Priority;
          deadline: string | undefined;
          skill: string;
          seq: number;
        }[] = [];
        let seq = 0;
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
          } else {
            const eligible = model.filter((m) => o.skill === '*' || m.skill === o.skill);
            const got = q.best(now, (g) => o.skill === '*' || g.skills.includes(o.skill));
            if (eligible.length === 0) {
              expect(got).toBeUndefined();
              continue;
            }
            const top = Math.max(...eligible.map((m) => taskScore(m, now)));
            expect(got).toBeDefined();
            expect(got!.score).toBe(top);
            const winners = eligible.filter((m) => taskScore(m, now) === top);
            // Among equal scores: no deadline → first come; with deadlines → earliest deadline.
            expect(winners.map((w) => w.id)).toContain(got!.task.taskId);
            q.remove('r', got!.task.taskId);
            model = model.filter((m) => m.id !== got!.task.taskId);
          }
          expect(q.size).toBe(model.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds the best task for an agent among 100,000 queued without scanning them', () => {
    const q = new ReadyQueue();
    for (let i = 0; i < 100_000; i++) q.push('r', `t${i}`, [`s${i % 5}`], undefined, 'MEDIUM', undefined);
    q.push('r', 'urgent', ['s3'], undefined, 'CRITICAL', undefined);
    const got = q.best(now, (g) => g.skills.every((s) => s === 's3' || s === 's4'));
    expect(got?.task.taskId).toBe('urgent');
    q.remove('r', 'urgent');
    expect(q.best(now, (g) => g.skills.includes('s4'))?.task.taskId).toBe('t4');
  });
});
