import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../app/create-app.ts';
import { createInProcessClient } from '../app/memory-transport.ts';
import { watchProgress } from './progress.ts';

describe('watchProgress', () => {
  const write = process.stderr.write;
  afterEach(() => {
    process.stderr.write = write;
  });

  it('shows the run it follows only, events that came before its id included', async () => {
    const app = createApp({ dataDir: ':memory:', log: () => {} });
    try {
      const client = createInProcessClient(app);
      await client.invoke('agents.import', { agents: [{ id: 'w', skills: ['x'] }] });
      for (const [plan_id, task_id] of [
        ['mine', 'followed'],
        ['theirs', 'elsewhere'],
      ] as const)
        await client.invoke('plans.import', {
          plan: { plan_id, tasks: [{ task_id, description: 'do it', required_skills: ['x'] }] },
        });
      let shown = '';
      process.stderr.write = ((chunk: string) => {
        shown += chunk;
        return true;
      }) as typeof process.stderr.write;
      // A host executes other runs too, and sends their events to every client.
      const watch = watchProgress(client, 1);
      const mine = await client.invoke('runs.start', { plan_id: 'mine' });
      const theirs = await client.invoke('runs.start', { plan_id: 'theirs' });
      await Promise.all([app.engine.whenSettled(mine.run_id), app.engine.whenSettled(theirs.run_id)]);
      await new Promise((r) => setImmediate(r));
      // Named only now: what it did meanwhile is shown, the other run's is not.
      watch.follow(mine.run_id);
      watch.stop();
      process.stderr.write = write;
      expect(shown).toContain('✔ followed done → w');
      expect(shown).not.toContain('elsewhere');
    } finally {
      await app.close();
    }
  });
});
