import type { BatonClient } from '../../../src-shared/contract/client.ts';
import { ContractError } from '../../../src-shared/contract/errors.ts';
import type { Approval, ToolCallScope } from '../../../src-shared/schemas/approval.ts';
import { taskTotal } from '../../../src-shared/schemas/plain/run.ts';
import { spendText } from '../../../src-shared/spend/words.ts';
import { CliError } from '../files.ts';
import { printJson } from '../output.ts';
import { watchProgress } from '../progress.ts';
import { followRun } from './run.ts';

/** `baton approvals`: what waits for a decision, across runs, oldest first. */
export async function approvalsList(client: BatonClient, json: boolean): Promise<number> {
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
    const cost = a.cost > 0 ? ` · cost ${spendText(a.cost)}` : '';
    process.stdout.write(
      `${a.id}  ${a.task_id} of ${a.plan_id ?? '?'} (run ${a.run_id})${cost}\n    ${a.kind}: ${a.reason}\n`,
    );
  }
  process.stdout.write(
    'Answer with: baton approve <approval> | baton reject <approval> [--comment C] [--as NAME]\n' +
      '  (a diff review also: baton request-changes <approval> --comment C)\n',
  );
  return 0;
}

const DECIDED = { approve: 'Approved', reject: 'Rejected', request_changes: 'Asked for changes to' } as const;

interface DecideOptions {
  approvalId: string;
  decision: 'approve' | 'reject' | 'request_changes';
  actor: string;
  comment?: string | undefined;
  /** An approved tool call: how far it reaches (`--for`). */
  scope?: ToolCallScope;
  json: boolean;
}

/**
 * `baton approve` / `baton reject` / `baton request-changes`: records the decision and, as
 * `baton run` does, follows the run to its end or to the next thing only people can answer. The
 * run goes on where `client` leads: the Baton host the command goes through, or this process,
 * which takes the run up if no other process executes it (one the desktop app executes is
 * answered there). Asking for changes is for a diff review only (the agent resumes its session).
 */
export async function approvalsDecide(client: BatonClient, opts: DecideOptions): Promise<number> {
  const approval = await findApproval(client, opts.approvalId);
  if (!approval) throw new CliError(`no approval "${opts.approvalId}"; baton approvals lists those waiting`);
  if (approval.status !== 'pending') {
    throw new CliError(
      `approval ${approval.id} was already ${approval.status} by ${approval.actor ?? 'someone'}`,
    );
  }
  const runId = approval.run_id;
  const run = await client.invoke('runs.get', { run_id: runId });
  const watch = watchProgress(client, taskTotal(run.counts), runId);
  try {
    // Takes up this run only, if no other live process executes it (`approvals.decide` does).
    await client.invoke('approvals.decide', {
      approval_id: approval.id,
      decision: opts.decision,
      actor: opts.actor,
      ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
      ...(opts.scope !== undefined ? { scope: opts.scope } : {}),
    });
  } catch (err) {
    watch.stop();
    if (err instanceof ContractError && err.code === 'conflict' && (await executedElsewhere(client, runId)))
      throw new CliError(
        `${err.message}: answer it there (the app, baton serve, or the baton command that runs it)`,
      );
    throw err;
  }
  if (!opts.json) {
    process.stderr.write(`${DECIDED[opts.decision]} ${approval.task_id} of run ${runId} as ${opts.actor}\n`);
  }
  return followRun(client, runId, { json: opts.json, watch });
}

/** An approval by id: among those waiting first (few), else among all (to say who decided it). */
async function findApproval(client: BatonClient, id: string): Promise<Approval | undefined> {
  const pending = await client.invoke('approvals.list', { status: 'pending' });
  return (
    pending.find((a) => a.id === id) ?? (await client.invoke('approvals.list', {})).find((a) => a.id === id)
  );
}

/** The run goes on, and another Baton process (the app, `baton serve`) executes it. */
async function executedElsewhere(client: BatonClient, runId: string): Promise<boolean> {
  const [run, here] = await Promise.all([
    client.invoke('runs.get', { run_id: runId }),
    client.invoke('runs.waiting', { run_id: runId }),
  ]);
  return run.status === 'executing' && !here.executing_here;
}
