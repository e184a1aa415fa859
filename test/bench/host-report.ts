// The host's figures in `npm run bench`: whether `baton serve` answers cheap requests while two
// clients start 1,000-task plans (host-load-worker.ts), how soon it is ready (serve-start-worker.ts),
// and how soon a person's message reaches a running agent's stdin (steer-worker.ts).
import type { HostLoadFigures, LatencyFigures, ProbeKind } from './host-load-worker.ts';
import { fmt } from './report.ts';
import type { ServeStartFigures } from './serve-start-worker.ts';
import type { SteerFigures } from './steer-worker.ts';

/** p99 of a cheap request (health, agents.list, approvals.list) under the load. */
export const CHEAP_P99_GOAL_MS = 50;
/** `baton serve` spawned → its URL and token line. */
export const SERVE_READY_GOAL_MS = 300;
/** `runs.say` over the host's WebSocket → the message's line on a running Claude Code stream agent's stdin, p50. */
export const STEER_P50_GOAL_MS = 50;
/** The requests the p99 goal is about (memory.search is information). */
const CHEAP: ProbeKind[] = ['health', 'agents.list', 'approvals.list'];

const ms = (n: number) => (n < 10 ? fmt(n, 1) : fmt(n, 0));
const cell = (f: LatencyFigures | null) =>
  f ? `${ms(f.p50)} / ${ms(f.p99)} / ${ms(f.max)} (${fmt(f.n)})` : 'none answered';

export function hostLoadTable(h: HostLoadFigures | null): void {
  if (!h) return void console.log('host under load: no figure (host-load-worker.ts failed)');
  console.log(
    `\n\`baton serve\` while two clients each import and start ${fmt(h.plans)} plans of ${fmt(h.size)} echo tasks back to back` +
      ` (host-load-worker.ts), ms p50 / p99 / max (requests)\n`,
  );
  const w = 16;
  console.log(`${'request'.padEnd(w)}${'idle'.padEnd(36)}under the load`);
  for (const kind of Object.keys(h.load) as ProbeKind[])
    console.log(`${kind.padEnd(w)}${cell(h.idle[kind]).padEnd(36)}${cell(h.load[kind])}`);
  console.log(
    `  plans.import ${cell(h.importMs)}, runs.start ${cell(h.startMs)}; the load lasted ${fmt(h.loadMs / 1000, 1)} s` +
      `${h.loadCpuMs === null ? '' : ` (${fmt(h.loadCpuMs / 1000, 1)} s of the serve process's CPU)`}` +
      ` (${h.ok ? 'every run completed' : 'NOT every run completed'}); ${fmt(h.requests)} requests, ${fmt(h.dropped)} without an answer`,
  );
  // Every client that listens (a tab) is sent this much: the serve thread writes it to each socket.
  console.log(
    `  events sent to one listening client: ${fmt(h.eventBytes / 1e6, 1)} MB (${fmt(h.eventBytes / (2 * h.plans * h.size))} bytes a task)`,
  );
}

export function hostGoals(h: HostLoadFigures | null, s: ServeStartFigures | null): void {
  if (!h) console.log('cheap requests under load: no figure');
  else {
    const worst = CHEAP.map((k) => h.load[k]?.p99 ?? Number.POSITIVE_INFINITY).reduce((a, b) =>
      Math.max(a, b),
    );
    const met = worst <= CHEAP_P99_GOAL_MS && h.dropped === 0;
    console.log(
      `cheap request under load   goal p99 ≤ ${CHEAP_P99_GOAL_MS} ms, none dropped    measured p99 ${ms(worst)} ms (slowest of ${CHEAP.join(', ')}), ${fmt(h.dropped)} dropped   ${met ? 'met' : 'NOT met'}`,
    );
  }
  if (!s) console.log('serve ready: no figure');
  else
    console.log(
      `\`baton serve\` ready       goal ≤ ${SERVE_READY_GOAL_MS} ms    measured ${ms(s.medianMs)} ms median of ${s.startsMs.length}` +
        `${s.cpuMedianMs === null ? '' : ` (${ms(s.cpuMedianMs)} ms of CPU)`}   ${s.medianMs <= SERVE_READY_GOAL_MS ? 'met' : 'NOT met'}`,
    );
}

export function steerGoals(s: SteerFigures | null): void {
  if (!s?.toStdin) return void console.log('steer round trip: no figure (steer-worker.ts failed)');
  const f = s.toStdin;
  console.log(
    `steer round trip           goal p50 ≤ ${STEER_P50_GOAL_MS} ms    measured ${ms(f.p50)} ms p50, ${ms(f.p99)} p99, ${ms(f.max)} max` +
      ` of ${fmt(f.n)} messages (runs.say over the host's socket → the agent's stdin; answered ${s.answered ? `${ms(s.answered.p50)} / ${ms(s.answered.p99)}` : '—'} p50 / p99` +
      `${s.serveCpuPerMessageMs === null ? '' : `, ${fmt(s.serveCpuPerMessageMs, 1)} ms of the host's CPU each`}; ` +
      `${s.sandbox.on ? 'the agent in the OS sandbox' : `no OS sandbox: ${s.sandbox.why}`}${s.ok ? '' : '; the run did NOT complete'})` +
      `   ${f.p50 <= STEER_P50_GOAL_MS ? 'met' : 'NOT met'}`,
  );
}
