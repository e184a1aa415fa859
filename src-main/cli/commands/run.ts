import { ContractError } from '../../../src-shared/contract/errors.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createInProcessClient } from '../../host/memory-transport.ts';
import { readJsonFile } from '../files.ts';
import { createProgress } from '../progress.ts';

export interface RunOptions {
  planFile: string;
  agentsFile?: string | undefined;
  json: boolean;
}

/** `baton run`: import the plan (and agents), run it headless, report; exit 0 only when every task is done. */
export async function runCommand(app: BatonApp, opts: RunOptions): Promise<number> {
  const client = createInProcessClient(app);
  const plan = readJsonFile(opts.planFile, 'plan file');
  if (opts.agentsFile) {
    await client.invoke('agents.import', { agents: readJsonFile(opts.agentsFile, 'agents file') });
  }
  const summary = await client.invoke('plans.import', { plan });
  const progress = createProgress(summary.task_count);
  const off = client.onBatch((batch) => progress.onBatch(batch));
  const build = await client.invoke('runs.start', { plan_id: summary.plan_id });
  if (!opts.json) {
    process.stderr.write(`Run ${build.run_id} of ${summary.plan_id} v${summary.version}: ${build.status}\n`);
  }
  await app.engine.whenSettled(build.run_id);
  app.bus.flush();
  off();
  progress.end();
  const run = await client.invoke('runs.get', { run_id: build.run_id });
  const log = await client.invoke('memory.read', { memory_id: build.memory_id });
  const content = log.content as { delegated_tasks: unknown[]; unassigned_tasks: unknown[] };
  const allDone = run.tasks.every((t) => t.status === 'done');
  if (opts.json) {
    const result = {
      run_id: run.id,
      plan_id: run.plan_id,
      plan_version: run.plan_version,
      status: run.status,
      memory_id: run.memory_id,
      delegated_tasks: content.delegated_tasks,
      unassigned_tasks: content.unassigned_tasks,
      counts: run.counts,
      tasks: run.tasks.map((t) => ({
        task_id: t.task_id,
        status: t.status,
        agent_id: t.agent_id,
        delegation_task_id: t.delegation_task_id,
        reason: t.reason,
        error: t.error,
      })),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    for (const t of run.tasks) {
      const who = t.agent_id ? ` by ${t.agent_id}` : '';
      const why = t.reason ?? t.error;
      process.stdout.write(
        `  ${t.task_id.padEnd(16)} ${t.status.padEnd(11)}${who}${why ? `  ${why}` : ''}\n`,
      );
    }
    process.stdout.write(
      `Run ${run.status}: ${run.counts.done}/${run.tasks.length} tasks done. Build log: memory entry ${run.memory_id}\n`,
    );
  }
  return allDone ? 0 : 1;
}

export function describeError(err: unknown): string {
  if (err instanceof ContractError) {
    const issues = (err.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
    if (issues && issues.length > 1) {
      return `${err.message.replace(/ \(and \d+ more\)$/, '')}\n${issues
        .slice(1)
        .map((i) => `  ${i.path}: ${i.message}`)
        .join('\n')}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}
