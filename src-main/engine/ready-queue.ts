import { PRIORITIES, type Priority } from '../../src-shared/schemas/plan.ts';
import {
  BAND_BOOSTS,
  bandEnd,
  bandForDue,
  bandHasEnded,
  type DeadlineBand,
  PRIORITY_WEIGHTS,
} from './priority.ts';

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

const BANDS = BAND_BOOSTS.length;

/**
 * The score of each bucket of a group (see Group.buckets): priority weight × deadline boost.
 * PRIORITIES lists the highest first, so a lower rank is a higher priority: best() relies on
 * that to leave out the priorities below `minPriority`.
 */
const SCORES: readonly number[] = PRIORITIES.flatMap((p) => BAND_BOOSTS.map((b) => PRIORITY_WEIGHTS[p] * b));
/** Bucket indices, highest score first, so a search can stop at the first bucket that cannot win. */
const BY_SCORE: readonly number[] = SCORES.map((_, i) => i).sort((a, b) => SCORES[b]! - SCORES[a]!);

interface Entry extends QueuedTask {
  group: Group;
  /** Index of its priority in PRIORITIES. */
  rank: number;
  /** Its deadline band. Bands only rise as time passes, so a task visits each at most once. */
  band: DeadlineBand;
  /** False once removed: the copies left in heaps are then skipped and dropped lazily. */
  queued: boolean;
}

/** One (priority, band) of a group: its tasks as a min-heap by arrival. */
class Bucket {
  heap: Entry[] = [];
  /** How many entries of `heap` are still here (the others left: removed or moved up a band). */
  live = 0;
  readonly band: DeadlineBand;
  constructor(band: DeadlineBand) {
    this.band = band;
  }
}

interface Group extends TaskGroup {
  /** Indexed by rank · BANDS + band; a bucket is made when a task first needs it. */
  buckets: (Bucket | undefined)[];
  /** Its tasks; at 0 it has left `groups`. */
  size: number;
  /** The skills array of the last task pushed to it, as given (`push` knows it again by identity). */
  from: readonly string[];
}

/** When a task leaves its band (see bandEnd). */
interface BandChange {
  at: number;
  after: boolean;
  entry: Entry;
}

/** A task's skills as its group has them: distinct and sorted (a task of one skill, the usual, keeps its own array). */
const distinctSorted = (skills: readonly string[]): readonly string[] =>
  skills.length < 2 ? skills : [...new Set(skills)].sort();

/**
 * The ready queue. Order: priority weight × deadline boost, then first come.
 *
 * The boost depends on time, but only through four bands (none, within 3 days, today,
 * overdue), and a task only ever moves up through them. So each group keeps one bucket per
 * (priority, band), every bucket ordered by arrival, and every task in a bucket has the same
 * score. A heap of band changes, ordered by time, moves a task to its next bucket when its
 * band changes. The best task for an agent is then the best of a few bucket heads per group
 * (highest score, then earliest arrival), found without scanning the queued tasks. Removal
 * is lazy; buckets are compacted when most of their entries have left.
 */
export class ReadyQueue {
  private groups = new Map<string, Group>();
  /** The group the last push went to (while it has tasks: an empty group has left `groups`). */
  private last: Group | null = null;
  /** The queued tasks by run, then by task id (no key string made per push, has or remove). */
  private member = new Map<string, Map<string, Entry>>();
  private count = 0;
  private seq = 0;
  /** The time the bands are computed for: the last `now` seen, or -∞ before any. */
  private now = Number.NEGATIVE_INFINITY;
  private changes: BandChange[] = [];
  /** Entries of `changes` whose task was removed. */
  private staleChanges = 0;

  get size(): number {
    return this.count;
  }

  /** Tasks pushed since the queue was made: a caller compares two readings to see whether any came. */
  get pushes(): number {
    return this.seq;
  }

  has(runId: string, taskId: string): boolean {
    return this.member.get(runId)?.has(taskId) === true;
  }

  push(
    runId: string,
    taskId: string,
    skills: readonly string[],
    pin: string | undefined,
    priority: Priority,
    deadline: string | undefined,
  ): void {
    let ofRun = this.member.get(runId);
    if (!ofRun) {
      ofRun = new Map();
      this.member.set(runId, ofRun);
    } else if (ofRun.has(taskId)) return;
    // A big plan's tasks come in runs of the same skills (shared arrays, `shareSkills`): the
    // group of the last push is taken again without making and hashing its key.
    let group = this.last;
    if (
      group === null ||
      group.size === 0 ||
      group.from !== skills ||
      group.runId !== runId ||
      group.pin !== pin
    ) {
      const sorted = distinctSorted(skills);
      const gk = `${runId}\u0000${pin ?? ''}\u0000${sorted.length < 2 ? (sorted[0] ?? '') : sorted.join(',')}`;
      const found = this.groups.get(gk);
      if (found) {
        found.from = skills;
        group = found;
      } else {
        group = { key: gk, runId, skills: sorted, pin, buckets: emptyBuckets(), size: 0, from: skills };
        this.groups.set(gk, group);
      }
      this.last = group;
    }
    // An unparsable deadline boosts nothing, as in deadlineBoost.
    const due = deadline ? Date.parse(deadline) : Number.NaN;
    const entry: Entry = {
      runId,
      taskId,
      priority,
      deadline: Number.isNaN(due) ? null : due,
      seq: this.seq++,
      group,
      rank: PRIORITIES.indexOf(priority),
      band: 0,
      queued: true,
    };
    // Placed for the last time seen; the next best() or list() moves it up if time has passed.
    this.place(entry, entry.deadline === null ? 0 : bandForDue(entry.deadline, this.now));
    group.size++;
    ofRun.set(taskId, entry);
    this.count++;
  }

  /** Removes a task (lazily: it is skipped and dropped when it reaches a head). */
  remove(runId: string, taskId: string): boolean {
    const ofRun = this.member.get(runId);
    const entry = ofRun?.get(taskId);
    if (!entry) return false;
    ofRun!.delete(taskId);
    if (ofRun!.size === 0) this.member.delete(runId);
    this.count--;
    this.unqueue(entry);
    const group = entry.group;
    group.size--;
    if (group.size === 0) this.groups.delete(group.key);
    else this.left(group.buckets[entry.rank * BANDS + entry.band]!);
    return true;
  }

  /** Drops every task of a run. */
  removeRun(runId: string): void {
    const ofRun = this.member.get(runId);
    if (ofRun) {
      this.member.delete(runId);
      this.count -= ofRun.size;
      for (const entry of ofRun.values()) this.unqueue(entry);
    }
    for (const [gk, group] of this.groups)
      if (group.runId === runId) {
        group.size = 0;
        this.groups.delete(gk);
      }
  }

  /**
   * The best queued task among groups that `accept` takes, with its group and score; with
   * `minPriority`, only among tasks of that priority or higher (the pull API's priority limit).
   */
  best(
    now: number,
    accept: (g: TaskGroup) => boolean,
    minPriority?: Priority,
  ): { task: QueuedTask; group: TaskGroup; score: number } | undefined {
    this.advance(now);
    const lowestRank = minPriority ? PRIORITIES.indexOf(minPriority) : PRIORITIES.length - 1;
    // Buckets from this index on hold priorities below the limit.
    const allowedEnd = (lowestRank + 1) * BANDS;
    let top: Entry | undefined;
    let topScore = 0;
    for (const group of this.groups.values()) {
      if (!accept(group)) continue;
      const buckets = group.buckets;
      for (const i of BY_SCORE) {
        const score = SCORES[i]!;
        if (score < topScore) break;
        if (i >= allowedEnd) continue;
        const bucket = buckets[i];
        if (bucket === undefined) continue;
        const head = headOf(bucket);
        if (head !== undefined && (score > topScore || head.seq < top!.seq)) {
          top = head;
          topScore = score;
        }
      }
    }
    return top && { task: top, group: top.group, score: topScore };
  }

  /** Up to `limit` queued tasks of accepted groups, in the order best() would yield them. */
  list(now: number, accept: (g: TaskGroup) => boolean, limit: number): { task: QueuedTask; score: number }[] {
    this.advance(now);
    const out: { task: QueuedTask; score: number }[] = [];
    for (const group of this.groups.values()) {
      if (!accept(group)) continue;
      group.buckets.forEach((bucket, i) => {
        if (bucket === undefined) return;
        for (const e of bucket.heap) if (isIn(e, bucket)) out.push({ task: e, score: SCORES[i]! });
      });
    }
    return out.sort((a, b) => b.score - a.score || a.task.seq - b.task.seq).slice(0, limit);
  }

  /** All groups that have tasks queued. */
  groupsList(): TaskGroup[] {
    return [...this.groups.values()];
  }

  /** Puts a task in the bucket of `band` and, unless overdue, schedules its next band change. */
  private place(entry: Entry, band: DeadlineBand): void {
    entry.band = band;
    const i = entry.rank * BANDS + band;
    let bucket = entry.group.buckets[i];
    if (bucket === undefined) {
      bucket = new Bucket(band);
      entry.group.buckets[i] = bucket;
    }
    heapPush(bucket.heap, entry, bySeq);
    bucket.live++;
    if (entry.deadline !== null && band < 3)
      heapPush(this.changes, { ...bandEnd(entry.deadline, band as 0 | 1 | 2), entry }, byTime);
  }

  /** Moves every task whose band has changed by `now` to its new bucket. */
  private advance(now: number): void {
    if (now < this.now) {
      this.rebuild(now);
      return;
    }
    this.now = now;
    const changes = this.changes;
    while (changes.length > 0 && bandHasEnded(changes[0]!, now)) {
      const { entry } = heapPop(changes, byTime)!;
      if (!entry.queued) {
        this.staleChanges--;
        continue;
      }
      const band = bandForDue(entry.deadline!, now);
      if (band <= entry.band) {
        // The band has ended, so the new one is higher — unless the machine's time zone changed
        // since the change was scheduled ("today" is local): then every task is placed anew.
        this.rebuild(now);
        return;
      }
      const from = entry.group.buckets[entry.rank * BANDS + entry.band]!;
      this.place(entry, band);
      this.left(from);
    }
  }

  /**
   * A clock that goes back (a fake one, or a system clock set back) can lower bands, which the
   * band changes cannot express: every task is placed again for the new time. Each run's tasks
   * are visited in arrival order (its member map keeps insertion order), so the heaps stay cheap.
   */
  private rebuild(now: number): void {
    this.now = now;
    this.changes = [];
    this.staleChanges = 0;
    for (const group of this.groups.values()) group.buckets = emptyBuckets();
    for (const ofRun of this.member.values())
      for (const entry of ofRun.values())
        this.place(entry, entry.deadline === null ? 0 : bandForDue(entry.deadline, now));
  }

  private unqueue(entry: Entry): void {
    entry.queued = false;
    if (entry.deadline !== null && entry.band < 3) this.staleChanges++;
    // Tasks removed long before their deadline nears would otherwise stay in `changes`.
    if (this.staleChanges > 64 && this.staleChanges * 2 > this.changes.length) {
      this.changes = compactHeap(this.changes, (c) => c.entry.queued, byTime);
      this.staleChanges = 0;
    }
  }

  /** An entry has left `bucket`; once most have, the bucket drops their copies. */
  private left(bucket: Bucket): void {
    bucket.live--;
    if (bucket.heap.length > 64 && bucket.live * 2 < bucket.heap.length)
      bucket.heap = compactHeap(bucket.heap, (e) => isIn(e, bucket), bySeq);
  }
}

const emptyBuckets = (): (Bucket | undefined)[] =>
  new Array<Bucket | undefined>(SCORES.length).fill(undefined);

/** Whether an entry of `bucket.heap` is still in it (not removed, not moved up a band). */
const isIn = (e: Entry, bucket: Bucket): boolean => e.queued && e.band === bucket.band;

/** The earliest arrival still in a bucket, dropping the copies of entries that left. */
function headOf(bucket: Bucket): Entry | undefined {
  const heap = bucket.heap;
  while (heap.length > 0) {
    const e = heap[0]!;
    if (isIn(e, bucket)) return e;
    heapPop(heap, bySeq);
  }
  return undefined;
}

const bySeq = (a: Entry, b: Entry): boolean => a.seq < b.seq;

/** Earlier first; at the same instant, a change due at it before one due just after it. */
const byTime = (a: BandChange, b: BandChange): boolean =>
  a.at < b.at || (a.at === b.at && !a.after && b.after);

/**
 * The items of `heap` that `keep` accepts, as a new heap. Rebuilding by sorting is simplest:
 * an array sorted by `less` is already a valid min-heap for it.
 */
function compactHeap<T>(heap: readonly T[], keep: (t: T) => boolean, less: (a: T, b: T) => boolean): T[] {
  return heap.filter(keep).sort((a, b) => (less(a, b) ? -1 : less(b, a) ? 1 : 0));
}

function heapPush<T>(h: T[], t: T, less: (a: T, b: T) => boolean): void {
  h.push(t);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (!less(h[i]!, h[p]!)) break;
    [h[i], h[p]] = [h[p]!, h[i]!];
    i = p;
  }
}

function heapPop<T>(h: T[], less: (a: T, b: T) => boolean): T | undefined {
  const top = h[0];
  const last = h.pop();
  if (h.length === 0) return top;
  h[0] = last!;
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    if (l < h.length && less(h[l]!, h[m]!)) m = l;
    if (r < h.length && less(h[r]!, h[m]!)) m = r;
    if (m === i) return top;
    [h[i], h[m]] = [h[m]!, h[i]!];
    i = m;
  }
}
