import { taskTotal } from '../../../src-shared/schemas/run.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { takenOver } from '../../engine/run-state.ts';
import { createInProcessClient } from '../../host/memory-transport.ts';
import { CliError } from '../files.ts';
import { printJson } from '../output.ts';
import { watchProgress } from '../progress.ts';
import { followRun } from './run.ts';

/** `baton approvals`: what waits for a decision, across runs, oldest first. */
export async function approvalsList(app: BatonApp, json: boolean): Promise<number> {
  const client = createInProcessClient(app);
  const pending = await client.invoke('approvals.list', { status: 'pending' });
  if (json) {
    printJson(pending);
    return 0;
  }
  if (pending.length === 0) {
    process.stdout.write('Nothing waits for a decision.\n');
    return 0;
  }
  for (const a of pending) {
    const cost = a.cost > 0 ? ` · cost ${a.cost}` : '';
    process.stdout.write(
      `${a.id}  ${a.task_id} of ${a.plan_id ?? '?'} (run ${a.run_id})${cost}\n    ${a.kind}: ${a.reason}\n`,
    );
  }
  process.stdout.write(
    'Answer with: baton approve <approval> | baton reject <approval> [--comment C] [--as NAME]\n',
  );
  return 0;
}

interface DecideOptions {
  approvalId: string;
  approve: boolean;
  actor: string;
  comment?: string | undefined;
  json: boolean;
}

/**
 * `baton approve` / `baton reject`: records the decision and, as `baton run` does, follows the
 * run here to its end or to the next thing only people can answer. The run must be free to
 * execute here: one that the app or `baton serve` executes is answered there.
 */
export async function approvalsDecide(app: BatonApp, opts: DecideOptions): Promise<number> {
  const client = createInProcessClient(app);
  const approval = app.store.approvals.get(opts.approvalId);
  if (!approval) throw new CliError(`no approval "${opts.approvalId}"; baton approvals lists those waiting`);
  if (approval.status !== 'pending') {
    throw new CliError(
      `approval ${approval.id} was already ${approval.status} by ${approval.actor ?? 'someone'}`,
    );
  }
  // This run only, if no other live process executes it.
  const runId = approval.run_id;
  app.engine.resumeUnfinished(runId);
  const run = app.store.runs.get(runId);
  if (!app.engine.isActive(runId) && run?.status === 'executing') {
    throw new CliError(
      `${takenOver(runId).message}: answer it there (the app, baton serve, or the baton command that runs it)`,
    );
  }
  const total = run ? taskTotal(run.counts) : 0;
  const watch = watchProgress(client, total);
  try {
    await client.invoke('approvals.decide', {
      approval_id: approval.id,
      decision: opts.approve ? 'approve' : 'reject',
      actor: opts.actor,
      ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
    });
  } catch (err) {
    watch.stop();
    throw err;
  }
  if (!opts.json) {
    process.stderr.write(
      `${opts.approve ? 'Approved' : 'Rejected'} ${approval.task_id} of run ${runId} as ${opts.actor}\n`,
    );
  }
  return followRun(app, client, runId, { json: opts.json, watch });
}
