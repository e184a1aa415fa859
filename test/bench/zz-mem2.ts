import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src-main/app/create-app.ts';
import { layeredDag } from './dag.ts';

const mb = (n: number) => (n / 1048576).toFixed(0);
const show = (what: string) => {
  const m = process.memoryUsage();
  console.log(
    what.padEnd(10),
    'rss',
    mb(m.rss),
    'used',
    mb(m.heapUsed),
    'total',
    mb(m.heapTotal),
    'max',
    (process.resourceUsage().maxRSS / 1024).toFixed(0),
  );
};
const dataDir = mkdtempSync(join(tmpdir(), 'baton-mem-'));
const app = createApp({ dataDir });
await app.dispatch('agents.import', {
  agents: [{ id: 'a1', kind: 'echo', skills: ['x'], max_concurrency: 1000 }],
});
const dag = layeredDag(100000);
show('dag');
const r = await app.dispatch('plans.import', {
  plan: {
    plan_id: 'p',
    tasks: dag.tasks.map((t) => ({
      task_id: t.id,
      description: '',
      required_skills: ['x'],
      depends_on: t.deps,
    })),
  },
});
show('imported');
const s: any = await app.dispatch('runs.start', { plan_id: 'p' });
show('started');
const { Session } = await import('node:inspector/promises');
const sess = new Session();
sess.connect();
await sess.post('HeapProfiler.startSampling', { samplingInterval: 2048 });
let done = 0;
const probe = setInterval(async () => {
  if (done++ !== 8) return;
  (globalThis as any).gc?.();
  show('gc@4s');
  const { profile } = await sess.post('HeapProfiler.getSamplingProfile');
  const agg = new Map<string, number>();
  const walk = (n: any, stack: string[]) => {
    const f = n.callFrame;
    const here = `${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber}`;
    const st = [...stack, here];
    if (n.selfSize) {
      const k = st.slice(-3).reverse().join(' < ');
      agg.set(k, (agg.get(k) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, st);
  };
  walk(profile.head, []);
  let tot = 0;
  for (const v of agg.values()) tot += v;
  console.log('live since start MB', (tot / 1048576).toFixed(1));
  for (const [k, v] of [...agg].sort((a, b) => b[1] - a[1]).slice(0, 25))
    console.log((v / 1048576).toFixed(2).padStart(6), k);
}, 500);
const v8 = await import('node:v8');
const spaces = (w: string) =>
  console.log(
    w,
    v8
      .getHeapSpaceStatistics()
      .map((s) => `${s.space_name.replace('_space', '')} ${mb(s.space_size)}/${mb(s.space_used_size)}`)
      .join(' | '),
  );
const iv = setInterval(() => {
  show('run');
  spaces('  ');
}, 500);
await app.engine.whenSettled(s.value.run_id);
clearInterval(iv);
clearInterval(probe);
show('settled');
app.close();
rmSync(dataDir, { recursive: true, force: true });
