import type {
  ClaimedTask,
  LeaseTerms,
  ResultAnswer,
  WorkerResult,
} from '../../../src-shared/contract/domains/workers.ts';
import { backoffMs, describe, sleep, transient } from './retry.ts';
import type { ServerLink } from './server-link.ts';
import { Refused, seg } from './server-link.ts';
import type { WorkSignal } from './work-signal.ts';

/** How long one claim waits on the server for a task to come (a long-poll), when the work signal is not heard. */
const LONG_POLL_S = 20;
/** While the work signal is heard: a look without it now and then, in case a frame was lost. */
const SIGNAL_LOOK_MS = 30_000;
/** Exchanges on their way at once: one hands in and claims while the worker runs what the other brought. */
const IN_FLIGHT = 2;
/** Most results handed in with one claim; a result with files goes alone (a body stays well under the server's limit). */
const RESULT_BATCH = 256;

/** A result waiting to be handed in, and who waits for the server's answer. */
interface Pending {
  result: WorkerResult;
  answered: (answer: ResultAnswer | null) => void;
}

export interface ClaimsDeps {
  id: string;
  link: ServerLink;
  signal: WorkSignal | undefined;
  /** How long to wait before claiming again when a claim found no work and the signal is not heard. */
  pollMs: number;
  stopping: AbortSignal;
  say: (line: string) => void;
  /** Free slots per agent now: its `max_concurrency` less its attempts still at work. */
  free(): Record<string, number>;
  /** How many attempts are at work (their results may come at any time). */
  working(): number;
  /** Registered (again, if the server forgot the agents: `forget`) before a claim. */
  registered(): Promise<void>;
  forget(): void;
  /** A task the server handed out: its attempt starts. */
  start(task: ClaimedTask): void;
  /** What the server says of leases (each answer says it again). */
  terms(terms: LeaseTerms): void;
  /** The worker cannot go on (the server takes no claims): it stops, saying why. */
  fail(why: string): void;
  /** A claim over the work signal, watched as the link's calls are (a revoked token stops the worker). */
  watch<T>(p: Promise<T>): Promise<T>;
}

/**
 * The worker's side of `workers.claim`, one exchange at a time: the results its attempts finished
 * go in (each with its attempt and lease, the fencing token), and up to each agent's free slots of
 * tasks come out, in the same request, so a chain's next task comes back with the result of the
 * one before. Results finished while an exchange is on its way wait for the next one, and go
 * together. A claim that found less than it had room for waits for the server's hint (the work
 * signal), a result to hand in, or a slow look now and then in case a hint was lost; without the
 * signal, it long-polls. Failures are waited out with backoff; results are handed in until the
 * server answers for them or the worker stops.
 */
export class Claims {
  private readonly deps: ClaimsDeps;
  private outbox: Pending[] = [];
  private wakeUp: (() => void) | null = null;
  /** Exchanges on their way, and the slots they asked for per agent. */
  private readonly flights = new Set<Promise<void>>();
  private inFlight = 0;
  private readonly reserved: Record<string, number> = {};
  /** The last claim found less than it had room for: the next waits for a hint (`since`: the frames heard before it). */
  private idle = false;
  private since = 0;
  /** Claims that failed in a row, and when to try again. */
  private fails = 0;
  private retryAt = 0;

  constructor(deps: ClaimsDeps) {
    this.deps = deps;
  }

  /** Hands the result in with the next claim: the server's answer, or null once the worker stopped before it answered. */
  handIn(result: WorkerResult): Promise<ResultAnswer | null> {
    if (this.deps.stopping.aborted) return Promise.resolve(null);
    return new Promise((answered) => {
      this.outbox.push({ result, answered });
      this.wake();
    });
  }

  /** An attempt ended without a result (dropped, stopped): its slot is free. */
  freed(): void {
    this.wake();
  }

  /** Until the worker stops: hands results in and claims tasks. What still waits is answered null then. */
  async run(): Promise<void> {
    const { deps } = this;
    const stopped = () => deps.stopping.aborted;
    const stop = () => this.wake();
    deps.stopping.addEventListener('abort', stop, { once: true });
    try {
      while (!stopped()) {
        await deps.registered();
        if (stopped()) break;
        if (this.retryAt > Date.now()) {
          await sleep(this.retryAt - Date.now(), deps.stopping);
          continue;
        }
        if (this.inFlight >= IN_FLIGHT) {
          await this.pause(false);
          continue;
        }
        if (this.outbox.length === 0) {
          const want = total(this.room());
          if (want === 0 || this.idle) {
            // A hint (or the slow look) ends the wait for work; a result or a freed slot only wakes.
            if ((await this.pause(this.idle && this.inFlight === 0)) === 'hint') this.idle = false;
            continue;
          }
        } else {
          // Results that end in this same turn go together.
          await new Promise((r) => setImmediate(r));
        }
        this.send();
      }
      // Exchanges on their way when the worker stopped: their answers are heard (what they hand out is given back).
      await Promise.allSettled([...this.flights]);
    } finally {
      deps.stopping.removeEventListener('abort', stop);
      for (const p of this.outbox.splice(0)) p.answered(null);
    }
  }

  /**
   * One exchange, on its way without waiting: the results that wait, and the room not asked for
   * by the other exchange on its way. With nothing else on its way while work waits, half the
   * room: the next exchange asks for the rest and is on its way while the worker runs this one's
   * tasks (a server and a worker busy at once, not in turn).
   */
  private send(): void {
    const { deps } = this;
    const batch = this.take();
    let slots = this.room();
    if (this.inFlight === 0 && !this.idle) slots = halved(slots);
    const want = total(slots);
    const { signal } = deps;
    const heard = signal?.connected === true;
    const since = signal?.seq ?? 0;
    // A long-poll holds the exchange: only while nothing else happens (no attempt at work, nothing handed in).
    const waitS =
      heard || batch.length > 0 || deps.working() > 0 || want === 0 || this.inFlight > 0 ? 0 : LONG_POLL_S;
    this.inFlight++;
    for (const id in slots) this.reserved[id] = (this.reserved[id] ?? 0) + slots[id]!;
    const body = { slots, ...(batch.length > 0 ? { results: batch.map((p) => p.result) } : {}) };
    type Answer = { results: ResultAnswer[]; tasks: ClaimedTask[] } & LeaseTerms;
    // Over the work signal while it is heard (no HTTP request per exchange); over HTTP without it,
    // for a long-poll, and for results with files (each goes alone, as large as a body may be).
    const call =
      heard && signal && waitS === 0 && !batch.some((p) => p.result.files)
        ? deps.watch(signal.claim<Answer>(body))
        : deps.link.post<Answer>(
            `/api/v1/workers/${seg(deps.id)}/claim`,
            { ...body, wait_s: waitS },
            waitS > 0 ? deps.stopping : undefined,
          );
    const flight: Promise<void> = call
      .then(
        (answer) => {
          this.fails = 0;
          deps.terms(answer);
          const byKey = new Map(answer.results.map((a) => [keyOf(a), a]));
          for (const p of batch) p.answered(byKey.get(keyOf(p.result)) ?? null);
          for (const t of answer.tasks) deps.start(t);
          this.idle = answer.tasks.length < want;
          if (this.idle) this.since = since;
        },
        (err: unknown) => {
          if (deps.stopping.aborted) {
            this.outbox.unshift(...batch);
            return;
          }
          if (!this.failed(err, batch)) return;
          const wait = backoffMs(++this.fails);
          this.retryAt = Date.now() + wait;
          deps.say(`claiming work: ${describe(err)}; trying again in ${(wait / 1000).toFixed(1)} s`);
        },
      )
      .finally(() => {
        this.inFlight--;
        this.flights.delete(flight);
        for (const id in slots) this.reserved[id]! -= slots[id]!;
        this.wake();
      });
    this.flights.add(flight);
  }

  /** Free slots per agent, less those an exchange on its way asked for. */
  private room(): Record<string, number> {
    const free = this.deps.free();
    for (const id in free) free[id] = Math.max(0, free[id]! - (this.reserved[id] ?? 0));
    return free;
  }

  /**
   * A claim that failed. Worth trying again (the network, a restarting server, an agent the
   * server forgot: registered again): its results go back first in line, true. A refusal that
   * will not pass: its results are answered refused with it (the attempts end), true; a server
   * without claims: the worker cannot go on, false.
   */
  private failed(err: unknown, batch: Pending[]): boolean {
    if (err instanceof Refused && err.code === 'not_found' && /^no route /.test(err.message)) {
      this.outbox.unshift(...batch);
      this.deps.fail(
        `the server takes no claims (${err.message}): it is an older Baton than this worker; run the same version on both`,
      );
      return false;
    }
    if (err instanceof Refused && err.code === 'not_found') {
      // The server forgot an agent (a person removed it, a fresh data directory): register again.
      this.outbox.unshift(...batch);
      this.deps.forget();
      return true;
    }
    if (transient(err) || !(err instanceof Refused)) {
      this.outbox.unshift(...batch);
      return true;
    }
    for (const p of batch) p.answered({ ...heldOf(p.result), taken: false, reason: err.message });
    return true;
  }

  /** The results handed in next: up to RESULT_BATCH without files, or the first alone when it carries files. */
  private take(): Pending[] {
    const first = this.outbox[0];
    if (!first) return [];
    if (first.result.files) return this.outbox.splice(0, 1);
    let n = 1;
    while (n < this.outbox.length && n < RESULT_BATCH && !this.outbox[n]!.result.files) n++;
    return this.outbox.splice(0, n);
  }

  /**
   * Waits for a reason to claim: a result to hand in, a slot freed or an exchange answered
   * (`wake`: 'woken'), the worker stopping, and with `forWork` (the last claim found no work) the
   * server's hint (a frame since that claim) or a look now and then (with the signal: every 30 s
   * or `pollMs`; without: `pollMs`): 'hint'.
   */
  private pause(forWork: boolean): Promise<'woken' | 'hint'> {
    const { signal, pollMs, stopping } = this.deps;
    if (stopping.aborted) return Promise.resolve('woken');
    if (this.outbox.length > 0 && this.inFlight < IN_FLIGHT) return Promise.resolve('woken');
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      let ac: AbortController | null = null;
      const done = (why: 'woken' | 'hint') => {
        if (timer) clearTimeout(timer);
        // A reason of its own: the default one is a DOMException, made at some cost each time.
        ac?.abort(why);
        if (this.wakeUp === woken) this.wakeUp = null;
        resolve(why);
      };
      const woken = () => done('woken');
      this.wakeUp = woken;
      if (!forWork) return;
      if (signal?.connected) {
        ac = new AbortController();
        void signal
          .wait(this.since, Math.max(pollMs, SIGNAL_LOOK_MS), AbortSignal.any([ac.signal, stopping]))
          .then(() => done('hint'));
      } else timer = setTimeout(() => done('hint'), pollMs);
    });
  }

  private wake(): void {
    this.wakeUp?.();
  }
}

/** Half of each agent's room, rounded up (one slot stays one). */
function halved(slots: Record<string, number>): Record<string, number> {
  const half: Record<string, number> = {};
  for (const id in slots) half[id] = Math.ceil(slots[id]! / 2);
  return half;
}

function total(slots: Record<string, number>): number {
  let n = 0;
  for (const k in slots) n += slots[k]!;
  return n;
}

function heldOf(r: WorkerResult) {
  return { run_id: r.run_id, task_id: r.task_id, attempt: r.attempt, lease: r.lease };
}

function keyOf(h: { run_id: string; task_id: string; attempt: number }): string {
  return `${h.run_id}\u0000${h.task_id}\u0000${h.attempt}`;
}
