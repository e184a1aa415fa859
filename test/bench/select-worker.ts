// selectNextTask with 100,000 queued tasks (the pull API). The agent kind has no
// executor here, so every ready task stays queued for pulling agents.
// Usage: node test/bench/select-worker.ts [--size N] [--calls N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import { argInt } from './measure.ts';

const size = argInt('size', 100_000);
const calls = argInt('calls', 20_000);
const dataDir = mkdtempSync(join(tmpdir(), 'baton-select-'));
const app = createApp({ dataDir, executors: { echo: undefined } });
try {
  const skills = ['research', 'writing', 'coding', 'review', 'ops'];
  const priorities = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
  let seed = 11;
  const rand = () => {
    seed = (seed * 48271) % 2147483647;
    return seed / 2147483647;
  };
  const now = Date.now();
  const tasks = Array.from({ length: size }, (_, i) => ({
    task_id: `t${i}`,
    description: '',
    required_skills: [skills[i % skills.length]!],
    priority: priorities[Math.floor(rand() * 4)]!,
    ...(rand() < 0.1 ? { deadline: new Date(now + (rand() * 6 - 1) * 86_400_000).toISOString() } : {}),
  }));
  await app.dispatch('agents.import', {
    agents: [{ id: 'vp', skills: ['writing', 'review'], max_concurrency: 10 }],
  });
  await app.dispatch('plans.import', { plan: { plan_id: 'queue', tasks } });
  const start = await app.dispatch('runs.start', { plan_id: 'queue' });
  if (!start.ok) throw new Error(start.error.message);
  for (let i = 0; i < 2_000; i++) app.engine.work.selectNextTask('vp'); // warm up
  const times = new Float64Array(calls);
  let found = 0;
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    const r = app.engine.work.selectNextTask('vp');
    times[i] = performance.now() - t0;
    if (r.task) found++;
  }
  times.sort();
  const us = (q: number) => times[Math.min(calls - 1, Math.floor(q * calls))]! * 1000;
  const mean = (times.reduce((a, b) => a + b, 0) / calls) * 1000;
  console.log(
    `SELECT_RESULT ${JSON.stringify({ queued: size, calls, found, meanUs: mean, p50Us: us(0.5), p99Us: us(0.99) })}`,
  );
} finally {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
