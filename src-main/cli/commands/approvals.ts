import type { BatonClient } from '../../../src-shared/contract/client.ts';
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
 * which takes the run up if no other process executes it; one that does (a `baton run` following
 * it in another terminal, the desktop app) is handed the decision and applies it (`handedOn`). Asking for changes is for a diff review only (the agent resumes its session).
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
  let answer: Approval;
  try {
    // Takes up this run only, if no other live process executes it (`approvals.decide` does);
    // one that does (a `baton run` in another terminal) is handed the decision to apply.
    answer = await client.invoke('approvals.decide', {
      approval_id: approval.id,
      decision: opts.decision,
      actor: opts.actor,
      ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
      ...(opts.scope !== undefined ? { scope: opts.scope } : {}),
    });
  } catch (err) {
    watch.stop();
    throw err;
  }
  if (answer.status === 'pending') {
    watch.stop();
    return handedOn(client, approval, opts);
  }
  if (!opts.json) {
    process.stderr.write(`${DECIDED[opts.decision]} ${approval.task_id} of run ${runId} as ${opts.actor}\n`);
  }
  return followRun(client, runId, { json: opts.json, watch });
}

/** How long `baton approve` waits for the process that executes the run to apply a decision handed to it. */
const HANDED_WAIT_MS = 30_000;
const HANDED_LOOK_MS = 200;
const STATUS_OF = { approve: 'approved', reject: 'rejected', request_changes: 'changes_requested' } as const;

/**
 * The decision was handed to the live process that executes the run (`HandedAnswers`): waits
 * until that process has applied it (it looks twice a second), and says so. It does not follow
 * the run: that process does, and shows it.
 */
async function handedOn(client: BatonClient, approval: Approval, opts: DecideOptions): Promise<number> {
  const what = `${approval.task_id} of run ${approval.run_id}`;
  if (!opts.json)
    process.stderr.write(
      `Run ${approval.run_id} is executed by another Baton process (a baton run in another terminal, the app): handed the answer to it…\n`,
    );
  const until = Date.now() + HANDED_WAIT_MS;
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, HANDED_LOOK_MS));
    const now = (await client.invoke('approvals.list', { run_id: approval.run_id })).find(
      (a) => a.id === approval.id,
    );
    if (!now || now.status === 'pending') continue;
    if (now.status !== STATUS_OF[opts.decision] || now.actor !== opts.actor)
      throw new CliError(`approval ${approval.id} was ${now.status} by ${now.actor ?? 'someone'} meanwhile`);
    if (opts.json) printJson(now);
    else
      process.stderr.write(
        `${DECIDED[opts.decision]} ${what} as ${opts.actor}; the run goes on in the process that executes it\n`,
      );
    return 0;
  }
  throw new CliError(
    `the Baton process that executes run ${approval.run_id} has not taken the answer up within ${HANDED_WAIT_MS / 1000} s; it stays handed, and is applied when a process executes the run (baton approvals shows it waiting until then)`,
  );
}

/** An approval by id: among those waiting first (few), else among all (to say who decided it). */
async function findApproval(client: BatonClient, id: string): Promise<Approval | undefined> {
  const pending = await client.invoke('approvals.list', { status: 'pending' });
  return (
    pending.find((a) => a.id === id) ?? (await client.invoke('approvals.list', {})).find((a) => a.id === id)
  );
}
