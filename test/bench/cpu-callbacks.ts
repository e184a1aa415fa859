// What held a process's thread for long, from a V8 CPU profile (`--cpu-prof`, e.g. the serve
// process of `host-load-worker.ts --cpu-prof DIR`). A callback here is a stretch of samples with
// no idle sample between them: what the event loop ran before it could take the next thing
// (a request, a timer, a socket's data). Each is named by the first frame of Baton's own code on
// its stack (most of its samples), and prints its samples' time, the part spent in GC, and the
// three functions of Baton's with most samples inside it. Written here because the profile's
// viewers (DevTools, speedscope) show where time went in total, not how long one turn held.
// With `--windows FILE` (`host-load-worker.ts --slow-log FILE`: the slow requests' monotonic
// start and end), it says instead what the thread did while each slow request waited: its samples
// in that window by entry, GC and idle (overlapping windows merged: one stall slows every kind).
// Usage: node test/bench/cpu-callbacks.ts FILE.cpuprofile [--over 15] [--top 30] [--windows FILE]
import { readFileSync } from 'node:fs';
import { argInt, argStr } from './measure.ts';

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: Frame;
  children?: number[];
}
interface Profile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: cpu-callbacks.ts FILE.cpuprofile [--over 15] [--top 30]');
const overMs = argInt('over', 15);
const top = argInt('top', 30);
const windowsFile = argStr('windows', '');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const ours = (f: Frame) => /src-main|src-shared/.test(f.url);
const nameOf = (f: Frame) =>
  `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*?(src-main|src-shared)/, '$1')}:${f.lineNumber + 1}`;

/** Per node: its entry frame (the outermost of Baton's on its stack) and its leaf-most own frame. */
const entryOf = new Map<number, string>();
const ownOf = new Map<number, string>();
for (const n of profile.nodes) {
  let entry = '';
  let own = '';
  for (let id: number | undefined = n.id; id !== undefined; id = parent.get(id)) {
    const f = byId.get(id)!.callFrame;
    if (!ours(f)) continue;
    entry = nameOf(f);
    if (!own) own = nameOf(f);
  }
  entryOf.set(n.id, entry || n.callFrame.functionName || '(native)');
  ownOf.set(n.id, own);
}

interface Callback {
  startMs: number;
  ms: number;
  gcMs: number;
  entries: Map<string, number>;
  owns: Map<string, number>;
}
const bump = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
const most = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${v.toFixed(0)}`);
/** Each sample's node and monotonic time in µs. */
const at: { node: ProfileNode; us: number }[] = [];
{
  let us = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    us += profile.timeDeltas[i] ?? 0;
    at.push({ node: byId.get(profile.samples[i]!)!, us });
  }
}
if (windowsFile) {
  printWindows(windowsFile);
  process.exit(0);
}

const callbacks: Callback[] = [];
let current: Callback | null = null;
let clock = 0;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = (profile.timeDeltas[i] ?? 0) / 1000;
  clock += dt;
  const node = byId.get(profile.samples[i]!)!;
  const fn = node.callFrame.functionName;
  if (fn === '(idle)') {
    current = null;
    continue;
  }
  if (!current) {
    current = { startMs: clock, ms: 0, gcMs: 0, entries: new Map(), owns: new Map() };
    callbacks.push(current);
  }
  current.ms += dt;
  if (fn === '(garbage collector)') current.gcMs += dt;
  else {
    bump(current.entries, entryOf.get(node.id)!, dt);
    const own = ownOf.get(node.id);
    if (own) bump(current.owns, own, dt);
  }
}

const long = callbacks.filter((c) => c.ms >= overMs).sort((a, b) => b.ms - a.ms);
const busy = callbacks.reduce((s, c) => s + c.ms, 0);
console.log(
  `${callbacks.length} callbacks, ${busy.toFixed(0)} ms busy of ${clock.toFixed(0)}; ${long.length} of ≥ ${overMs} ms:`,
);
for (const c of long.slice(0, top)) {
  console.log(
    `${c.ms.toFixed(0).padStart(4)} ms at ${(c.startMs / 1000).toFixed(2)} s, GC ${c.gcMs.toFixed(0)}: ${most(c.entries, 1)[0] ?? ''}`,
  );
  console.log(`       ${most(c.owns, 3).join(' · ')}`);
}
/** What the long callbacks came in by, summed. */
const byEntry = new Map<string, number[]>();
for (const c of long) {
  const k = most(c.entries, 1)[0]?.replace(/ \d+$/, '') ?? '?';
  byEntry.set(k, [...(byEntry.get(k) ?? []), c.ms]);
}
console.log('\nby entry (count, longest ms):');
for (const [k, v] of [...byEntry].sort((a, b) => b[1].length - a[1].length))
  console.log(`  ${String(v.length).padStart(3)} × ≤ ${Math.max(...v).toFixed(0)} ms  ${k}`);

/** What the thread did in each slow request's window (overlapping ones merged). */
function printWindows(path: string): void {
  const raw = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { kind: string; fromUs: number; toUs: number })
    .sort((a, b) => a.fromUs - b.fromUs);
  const merged: { fromUs: number; toUs: number; kinds: string[] }[] = [];
  for (const w of raw) {
    const last = merged.at(-1);
    if (last && w.fromUs <= last.toUs) {
      last.toUs = Math.max(last.toUs, w.toUs);
      last.kinds.push(w.kind);
    } else merged.push({ fromUs: w.fromUs, toUs: w.toUs, kinds: [w.kind] });
  }
  const total = new Map<string, number>();
  for (const w of merged.sort((a, b) => b.toUs - b.fromUs - (a.toUs - a.fromUs)).slice(0, top)) {
    const entries = new Map<string, number>();
    let prev = w.fromUs;
    for (const s of at) {
      if (s.us <= w.fromUs) continue;
      if (s.us > w.toUs) break;
      const dt = (s.us - prev) / 1000;
      prev = s.us;
      const fn = s.node.callFrame.functionName;
      const k = fn === '(idle)' || fn === '(garbage collector)' ? fn : entryOf.get(s.node.id)!;
      bump(entries, k, dt);
      bump(total, k, dt);
    }
    console.log(
      `${((w.toUs - w.fromUs) / 1000).toFixed(0).padStart(4)} ms (${w.kinds.join(', ')}): ${most(entries, 4).join(' · ')}`,
    );
  }
  console.log(`\nall windows: ${most(total, 8).join(' · ')}`);
}
