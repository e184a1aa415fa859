import type { BatonClient } from '../../../src-shared/contract/client.ts';
import { taskTotal } from '../../../src-shared/schemas/run.ts';
import { printJson, printTable } from '../output.ts';
import { printTasks } from './run.ts';

/** `baton runs`: the runs, newest first (of one plan with --plan). */
export async function runsList(
  client: BatonClient,
  planId: string | undefined,
  json: boolean,
): Promise<number> {
  const runs = await client.invoke('runs.list', planId ? { plan_id: planId } : {});
  if (json) {
    printJson(runs);
    return 0;
  }
  if (runs.length === 0) {
    process.stdout.write(planId ? `No runs of ${planId} yet.\n` : 'No runs yet.\n');
    return 0;
  }
  const rows = runs.map((r) => [
    r.id,
    `${r.plan_id} v${r.plan_version}`,
    r.status,
    r.created_at,
    r.started_by ?? '-',
    `${r.counts.done}/${taskTotal(r.counts)} done`,
  ]);
  printTable(['RUN', 'PLAN', 'STATUS', 'STARTED', 'BY', 'TASKS'], rows);
  return 0;
}

/** `baton show <run>`: a run and each of its tasks. */
export async function runShow(client: BatonClient, runId: string, json: boolean): Promise<number> {
  const run = await client.invoke('runs.get', { run_id: runId });
  if (json) {
    printJson(run);
    return 0;
  }
  const ended = run.finished_at ? `, ended ${run.finished_at}` : '';
  process.stdout.write(
    `Run ${run.id} of ${run.plan_id} v${run.plan_version}: ${run.status} (started ${run.created_at}${ended})\n`,
  );
  printTasks(run);
  process.stdout.write(
    `${run.counts.done}/${run.tasks.length} tasks done. Build log: memory entry ${run.memory_id}\n`,
  );
  return 0;
}
