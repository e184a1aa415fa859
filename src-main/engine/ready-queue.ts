import type { Priority } from '../../src-shared/schemas/plan.ts';
import { boostForDue, PRIORITY_WEIGHTS } from './priority.ts';

export interface QueuedTask {
  runId: string;
  taskId: string;
  priority: Priority;
  /** Epoch ms, or null. */
  deadline: number | null;
  /** First come, first served among equals. */
  seq: number;
}

/** Tasks of one run that any agent would judge alike: same required skills, same pin. */
export interface TaskGroup {
  key: string;
  runId: string;
  skills: readonly string[];
  pin: string | undefined;
}

const PRIORITY_ORDER: readonly Priority[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];

class Lane {
  /** Tasks without a deadline, oldest first. */
  fifo: QueuedTask[] = [];
  head = 0;
  /** Tasks with a deadline: a min-heap by (deadline, seq). The earliest has the largest boost. */
  heap: QueuedTask[] = [];
}

interface Group extends TaskGroup {
  lanes: Lane[];
  size: number;
}

const key = (runId: string, taskId: string) => `${runId}\u0000${taskId}`;

/**
 * The ready queue. Order: priority weight × deadline boost (seed 004), then first come.
 * Tasks are bucketed by group, and within a group by priority into a FIFO (no deadline) and
 * a deadline heap, so the best task for an agent is found by looking at a few heads per
 * group instead of scanning every queued task. Removal is lazy.
 */
export class ReadyQueue {
  private groups = new Map<string, Group>();
  /** Queued task → its group and the seq of its current entry (older entries are stale). */
  private member = new Map<string, { group: Group; seq: number }>();
  private seq = 0;

  get size(): number {
    return this.member.size;
  }

  has(runId: string, taskId: string): boolean {
    return this.member.has(key(runId, taskId));
  }

  push(
    runId: string,
    taskId: string,
    skills: readonly string[],
    pin: string | undefined,
    priority: Priority,
    deadline: string | undefined,
  ): void {
    const k = key(runId, taskId);
    if (this.member.has(k)) return;
    const sorted = [...new Set(skills)].sort();
    const gk = `${runId}\u0000${pin ?? ''}\u0000${sorted.join(',')}`;
    let group = this.groups.get(gk);
    if (!group) {
      group = { key: gk, runId, skills: sorted, pin, lanes: PRIORITY_ORDER.map(() => new Lane()), size: 0 };
      this.groups.set(gk, group);
    }
    const task: QueuedTask = {
      runId,
      taskId,
      priority,
      deadline: deadline ? Date.parse(deadline) : null,
      seq: this.seq++,
    };
    const lane = group.lanes[PRIORITY_ORDER.indexOf(priority)]!;
    if (task.deadline === null) lane.fifo.push(task);
    else heapPush(lane.heap, task);
    group.size++;
    this.member.set(k, { group, seq: task.seq });
  }

  /** Removes a task (lazily: it is skipped and dropped when it reaches a head). */
  remove(runId: string, taskId: string): boolean {
    const k = key(runId, taskId);
    const group = this.member.get(k)?.group;
    if (!group) return false;
    this.member.delete(k);
    group.size--;
    if (group.size === 0) this.groups.delete(group.key);
    return true;
  }

  /** Drops every task of a run. */
  removeRun(runId: string): void {
    for (const [k, m] of this.member) {
      if (m.group.runId === runId) this.member.delete(k);
    }
    for (const [gk, group] of this.groups) if (group.runId === runId) this.groups.delete(gk);
  }

  /** The best queued task among groups that `accept` takes, with its group and score. */
  best(
    now: number,
    accept: (g: TaskGroup) => boolean,
  ): { task: QueuedTask; group: TaskGroup; score: number } | undefined {
    let best: { task: QueuedTask; group: Group; score: number } | undefined;
    for (const group of this.groups.values()) {
      if (!accept(group)) continue;
      group.lanes.forEach((lane, i) => {
        const weight = PRIORITY_WEIGHTS[PRIORITY_ORDER[i]!];
        const head = this.fifoHead(lane);
        if (head && isBetter(weight, head, best)) best = { task: head, group, score: weight };
        const top = this.heapTop(lane);
        if (top) {
          const score = weight * boostForDue(top.deadline!, now);
          if (isBetter(score, top, best)) best = { task: top, group, score };
        }
      });
    }
    return best;
  }

  /** Up to `limit` queued tasks of accepted groups, best first (for inboxes: walks those groups). */
  list(now: number, accept: (g: TaskGroup) => boolean, limit: number): { task: QueuedTask; score: number }[] {
    const out: { task: QueuedTask; score: number }[] = [];
    for (const group of this.groups.values()) {
      if (!accept(group)) continue;
      group.lanes.forEach((lane, i) => {
        const weight = PRIORITY_WEIGHTS[PRIORITY_ORDER[i]!];
        for (let j = lane.head; j < lane.fifo.length; j++) {
          const t = lane.fifo[j]!;
          if (this.isCurrent(t)) out.push({ task: t, score: weight });
        }
        for (const t of lane.heap)
          if (this.isCurrent(t)) out.push({ task: t, score: weight * boostForDue(t.deadline!, now) });
      });
    }
    return out.sort((a, b) => b.score - a.score || a.task.seq - b.task.seq).slice(0, limit);
  }

  /** All groups that have tasks queued. */
  groupsList(): TaskGroup[] {
    return [...this.groups.values()];
  }

  private fifoHead(lane: Lane): QueuedTask | undefined {
    while (lane.head < lane.fifo.length) {
      const t = lane.fifo[lane.head]!;
      if (this.isCurrent(t)) {
        if (lane.head > 1024 && lane.head * 2 > lane.fifo.length) {
          lane.fifo = lane.fifo.slice(lane.head);
          lane.head = 0;
        }
        return lane.fifo[lane.head];
      }
      lane.head++;
    }
    if (lane.head > 0) {
      lane.fifo = [];
      lane.head = 0;
    }
    return undefined;
  }

  private heapTop(lane: Lane): QueuedTask | undefined {
    while (lane.heap.length > 0) {
      const t = lane.heap[0]!;
      if (this.isCurrent(t)) return t;
      heapPop(lane.heap);
    }
    return undefined;
  }

  /** Still queued, and this is its current entry (not one left behind by remove + push). */
  private isCurrent(t: QueuedTask): boolean {
    return this.member.get(key(t.runId, t.taskId))?.seq === t.seq;
  }
}

function isBetter(
  score: number,
  t: QueuedTask,
  best: { task: QueuedTask; score: number } | undefined,
): boolean {
  return !best || score > best.score || (score === best.score && t.seq < best.task.seq);
}

function less(a: QueuedTask, b: QueuedTask): boolean {
  return a.deadline! < b.deadline! || (a.deadline === b.deadline && a.seq < b.seq);
}

function heapPush(h: QueuedTask[], t: QueuedTask): void {
  h.push(t);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!less(h[i]!, h[p]!)) break;
    [h[i], h[p]] = [h[p]!, h[i]!];
    i = p;
  }
}

function heapPop(h: QueuedTask[]): void {
  const last = h.pop()!;
  if (h.length === 0) return;
  h[0] = last;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && less(h[l]!, h[m]!)) m = l;
    if (r < h.length && less(h[r]!, h[m]!)) m = r;
    if (m === i) return;
    [h[i], h[m]] = [h[m]!, h[i]!];
    i = m;
  }
}
