import type { BatonClient } from '../../../src-shared/contract/client.ts';
import type { Landing } from '../../../src-shared/schemas/landing.ts';
import { stageSentence, stageWordsOf } from '../../../src-shared/schemas/landing-stage.ts';
import { taskTotal } from '../../../src-shared/schemas/plain/run.ts';
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
  const landings = new Map<string, Landing[]>();
  for (const l of await client.invoke('runs.landings', {}))
    landings.set(l.run_id, [...(landings.get(l.run_id) ?? []), l]);
  const rows = runs.map((r) => [
    r.id,
    `${r.plan_id} v${r.plan_version}`,
    withStage(r.status, landings.get(r.id) ?? []),
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
  const landings = await client.invoke('runs.landings', { run_id: runId });
  printTasks(run, new Map(landings.filter((l) => l.task_id !== null).map((l) => [l.task_id!, l])));
  const said = stageSentence(landings);
  if (said) process.stdout.write(`${said}\n`);
  process.stdout.write(
    `${run.counts.done}/${run.tasks.length} tasks done. Build log: memory entry ${run.memory_id}\n`,
  );
  return 0;
}

/** A run's status with where its work stands with its pull requests: "completed, in review on GitHub". */
function withStage(status: string, landings: readonly Landing[]): string {
  const words = stageWordsOf(landings);
  return words === null ? status : `${status}, ${words}`;
}
