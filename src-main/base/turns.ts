/**
 * Work cut into slices (an engine tick, a slice of a large plan's reading, a chunk of a search's
 * index catch-up, a batch of the notifier's audit reading) asks here for its next turn instead of
 * calling `setImmediate` itself. Each slice is ~10 ms, but Node runs every immediate queued before
 * its check phase back to back: a tick, a plan slice, a catch-up chunk and a notifier batch made
 * one 40–50 ms stretch, and a request that came meanwhile waited for all of it (the host's cheap
 * requests' p99 under two clients' 1,000-task starts).
 *
 * So slices share the phase: once `PHASE_MS` of wall time has gone since the phase's first slice
 * began (whatever ran between, an event flush or a promise's continuation, counted too), the
 * slices still queued wait for the next turn of the loop, after its I/O (the requests that came)
 * has been taken. The first slice of a phase always runs: work always moves on.
 *
 * One gate for the process: every app in it shares the thread, so they share its turns. Written
 * here because Node's scheduling has no such budget (`setImmediate`, `scheduler.yield` run
 * whatever is queued).
 */
export const PHASE_MS = 4;

/**
 * Past this, a phase's start is taken to be stale (its `newPhase` never ran: a test's fake timers
 * dropped it) and a new phase begins: a slice is never held back for good.
 */
const STALE_MS = 1_000;
/**
 * The real clock and scheduler, as they were when Baton loaded: a test's fake timers
 * (`vi.useFakeTimers`) replace the globals, and slices asked for through them would wait on a fake
 * clock, or be dropped with it.
 */
const immediate = globalThis.setImmediate;
const now = globalThis.performance.now.bind(globalThis.performance);

/** When the current check phase's first slice began; null when no slice has run in it. */
let phaseStart: number | null = null;
/** The slices waiting, oldest first: a slice that waited a phase goes before those asked for since. */
const waiting: (() => void)[] = [];

/** Runs at the start of the next check phase, before any slice queued after it: a new phase. */
function newPhase(): void {
  phaseStart = null;
}

/**
 * One immediate per waiting slice, each taking the oldest slice: its own or one that waited.
 * Each is its own callback, so a promise's continuation (`nextTurn`) runs right after its slice,
 * and its time counts against the phase like the slice's.
 */
function step(): void {
  const at = now();
  if (phaseStart === null || at - phaseStart > STALE_MS) {
    phaseStart = at;
    immediate(newPhase);
  } else if (at - phaseStart >= PHASE_MS) {
    // Asked for from within this check phase: it runs in the next one, after the loop's I/O.
    immediate(step);
    return;
  }
  waiting.shift()?.();
}

/**
 * Runs `slice` on a later turn of the event loop, sharing that turn's time with the other slices.
 * A slice must not throw (run it through `BackgroundWork.run`): like an immediate's, its throw
 * would end the process.
 */
export function inTurn(slice: () => void): void {
  waiting.push(slice);
  immediate(step);
}

/** Resolves on a later turn (`inTurn`): what waits (a call, a tick) goes in before the rest. */
export const nextTurn = (): Promise<void> => new Promise<void>((resolve) => inTurn(resolve));
