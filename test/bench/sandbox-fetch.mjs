// The client of the sandbox bench (sandbox-worker.ts): `trips` sequential GETs of one URL on a
// kept-alive connection after `warmup` more, each timed here, in the program itself (inside the
// sandbox or not). Prints one JSON line: the round trips' p50 and p99 in ms.
//   node sandbox-fetch.mjs URL TRIPS WARMUP
const [url, tripsArg, warmupArg] = process.argv.slice(2);
const trips = Number(tripsArg);
const warmup = Number(warmupArg);
const times = [];
for (let i = 0; i < warmup + trips; i++) {
  const t0 = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`HTTP ${res.status} from ${url}`);
  if (i >= warmup) times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
process.stdout.write(`${JSON.stringify({ p50: q(0.5), p99: q(0.99) })}\n`);
