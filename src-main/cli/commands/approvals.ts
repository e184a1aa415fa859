import { ContractError } from '../../../src-shared/contract/errors.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createInProcessClient } from '../../host/memory-transport.ts';
import { CliError } from '../files.ts';
import { createProgress } from '../progress.ts';
import { followRun } from './run.ts';

/** `baton approvals`: what waits for a decision, across runs, oldest first. */
export async function approvalsList(app: BatonApp, json: boolean): Promise<number> {
  const client = createInProcessClient(app);
  const pending = await client.invoke('approvals.list', { status: 'pending' });
  if (json) {
    process.stdout.write(`${JSON.stringify(pending, null, 2)}\n`);
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

export interface DecideOptions {
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
  const pending = await client.invoke('approvals.list', {});
  const approval = pending.find((a) => a.id === opts.approvalId);
  if (!approval) throw new CliError(`no approval "${opts.approvalId}"; baton approvals lists those waiting`);
  if (approval.status !== 'pending') {
    throw new CliError(
      `approval ${approval.id} was already ${approval.status} by ${approval.actor ?? 'someone'}`,
    );
  }
  // This run only, if no other live process executes it (the decision then says so).
  app.engine.resumeUnfinished(approval.run_id);
  const run = await client.invoke('runs.get', { run_id: approval.run_id });
  const progress = createProgress(run.tasks.length);
  const off = client.onBatch((batch) => progress.onBatch(batch));
  try {
    await client.invoke('approvals.decide', {
      approval_id: approval.id,
      decision: opts.approve ? 'approve' : 'reject',
      actor: opts.actor,
      ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
    });
  } catch (err) {
    off();
    progress.end();
    if (err instanceof ContractError && /another Baton process/.test(err.message)) {
      throw new CliError(
        `${err.message}: answer it there (the app, baton serve, or the baton command that runs it)`,
      );
    }
    throw err;
  }
  if (!opts.json) {
    process.stderr.write(
      `${opts.approve ? 'Approved' : 'Rejected'} ${approval.task_id} of run ${approval.run_id} as ${opts.actor}\n`,
    );
  }
  return followRun(app, approval.run_id, { json: opts.json, progress, off });
}
