import type { BatonClient } from '../../../src-shared/contract/client.ts';
import { ContractError } from '../../../src-shared/contract/errors.ts';
import type { ExampleBundle } from '../../../src-shared/contract/example-bundle.ts';
import {
  checkExampleBundle,
  checkPlan,
  isExampleBundle,
  loadExampleBundle,
} from '../../../src-shared/contract/example-bundle.ts';
import type { Approval } from '../../../src-shared/schemas/approval.ts';
import type { Landing } from '../../../src-shared/schemas/landing.ts';
import { stageLine } from '../../../src-shared/schemas/landing-stage.ts';
import type { PlanSummary } from '../../../src-shared/schemas/plan.ts';
import type { RunDetail, TaskRun } from '../../../src-shared/schemas/run.ts';
import { CliError, readJsonFile } from '../files.ts';
import { stoppedBySignal } from '../interrupt.ts';
import { printJson } from '../output.ts';
import { watchProgress } from '../progress.ts';

export interface RunOptions {
  planFile: string;
  agentsFile?: string | undefined;
  json: boolean;
}

/**
 * `baton run`: import the plan (and agents), run it headless, report; exit 0 only when every
 * task is done, 1 when the run ended otherwise, 3 when it is left waiting for people, 4 when
 * another Baton process took it over. An example Baton ships (resources/examples/laptops-research.json:
 * agents, notes and plans in one file) is loaded whole, and its first plan is run. The run
 * executes where `client` leads: the Baton host the command goes through, or this process;
 * `connect` gives it once the files are read.
 */
export async function runCommand(
  connect: BatonClient | (() => Promise<BatonClient>),
  opts: RunOptions,
): Promise<number> {
  // The files first, before the data directory (or a host) is reached: one that cannot be read
  // is refused before anything else happens.
  const plan = readJsonFile(opts.planFile, 'plan file');
  const agents = opts.agentsFile ? readJsonFile(opts.agentsFile, 'agents file') : undefined;
  const client = typeof connect === 'function' ? await connect() : connect;
  // Nothing is written (agents, notes, plans) unless the plan, or the whole example, is valid.
  if (!isExampleBundle(plan)) await checkPlan(client, plan);
  else if (plan.plans.length === 0)
    throw new CliError('the example file has no plan to run (its "plans" list is empty)');
  else await checkExampleBundle(client, plan);
  if (agents !== undefined) await client.invoke('agents.import', { agents });
  const summary = isExampleBundle(plan)
    ? await loadExample(client, plan, opts.json)
    : await client.invoke('plans.import', { plan });
  const watch = watchProgress(client, summary.task_count);
  // The version this import answered: another saved since (another `baton run`, the app) is not this file.
  const build = await client.invoke('runs.start', {
    plan_id: summary.plan_id,
    plan_version: summary.version,
    actor: 'cli',
  });
  watch.follow(build.run_id);
  if (!opts.json) {
    process.stderr.write(`Run ${build.run_id} of ${summary.plan_id} v${summary.version}: ${build.status}\n`);
  }
  return followRun(client, build.run_id, { json: opts.json, watch });
}

/** An example's agents, notes and plans imported; its first plan is the one to run. */
async function loadExample(client: BatonClient, bundle: ExampleBundle, json: boolean): Promise<PlanSummary> {
  // runCommand checked the whole example before it wrote anything.
  const loaded = await loadExampleBundle(client, bundle, { checked: true });
  const first = loaded.plans[0];
  if (!first) throw new CliError('the example file has no plan to run (its "plans" list is empty)');
  if (!json)
    process.stderr.write(
      `Loaded the example: agents ${loaded.agents.map((a) => a.id).join(', ') || 'none'}; ` +
        `${loaded.notesWritten} note${loaded.notesWritten === 1 ? '' : 's'} written to memory; ` +
        `plans ${loaded.plans.map((p) => p.plan_id).join(', ')}\n`,
    );
  return first;
}

/**
 * Follows a run executing where `client` leads (this process, or the Baton host it goes through)
 * to its end and reports it (exit 0 when every task is done, 1 otherwise), or to where only
 * people can move it on (exit 3), or says another process took it over (exit 4). `watch` was
 * started before the run moved, so nothing it did is missed.
 */
export async function followRun(
  client: BatonClient,
  runId: string,
  opts: { json: boolean; watch: { stop(): void } },
): Promise<number> {
  try {
    return await followed(client, runId, opts);
  } catch (err) {
    // The Baton host the command went through stopped answering: the run is unfinished there, and
    // starting the command again would start another run.
    if (!(err instanceof ContractError) || err.code !== 'unavailable') throw err;
    opts.watch.stop();
    const note = `${err.message}. Run ${runId} is unfinished: it goes on when \`baton serve\` or the app opens this data directory again (running the plan again would start another run); \`baton runs\` shows where it stands.`;
    if (opts.json) printJson({ run_id: runId, status: 'unknown', note });
    else process.stderr.write(`baton: ${note}\n`);
    return EXIT_HOST_LOST;
  }
}

async function followed(
  client: BatonClient,
  runId: string,
  opts: { json: boolean; watch: { stop(): void } },
): Promise<number> {
  const waiting = await settledOrWaiting(client, runId);
  // What the run did is shown before the display ends: in this process its events go out in this
  // turn of the event loop; a host sends them on the socket ahead of its answer to this call.
  await new Promise((r) => setImmediate(r));
  const run = await client.invoke('runs.get', { run_id: runId });
  opts.watch.stop();
  const stopped = stoppedBySignal();
  if (!waiting && run.status === 'executing') {
    // Not ended, not waiting: stopped here by Ctrl+C, or another Baton process took it over
    // (this one was suspended past its lease), and the run goes on there.
    const note =
      stopped !== null
        ? `Run ${run.id} stopped here unfinished; it goes on when \`baton serve\` or the app opens this data directory.`
        : `Run ${run.id} is now executed by another Baton process (this one was paused too long); it goes on there.`;
    if (opts.json) printJson({ ...runHeader(run), note });
    else process.stdout.write(`${note}\n`);
    return stopped ?? EXIT_TAKEN_OVER;
  }
  if (waiting) {
    const pending = (await client.invoke('approvals.list', { status: 'pending' })).filter(
      (a) => a.run_id === runId,
    );
    return reportWaiting(run, waiting, pending, opts.json);
  }
  const log = await client.invoke('memory.read', { memory_id: run.memory_id });
  const content = log.content as { delegated_tasks: unknown[]; unassigned_tasks: unknown[] };
  const allDone = run.tasks.every((t) => t.status === 'done');
  if (opts.json) {
    const result = {
      ...runHeader(run),
      delegated_tasks: content.delegated_tasks,
      unassigned_tasks: content.unassigned_tasks,
      tasks: run.tasks.map((t) => ({
        task_id: t.task_id,
        status: t.status,
        agent_id: t.agent_id,
        delegation_task_id: t.delegation_task_id,
        reason: t.reason,
        error: t.error,
      })),
    };
    printJson(result);
  } else {
    printTasks(run);
    process.stdout.write(
      `Run ${run.status}: ${run.counts.done}/${run.tasks.length} tasks done. Build log: memory entry ${run.memory_id}\n`,
    );
  }
  return allDone ? 0 : 1;
}

/** `baton run`'s exit code for a run left waiting for people (it goes on in the app). */
const EXIT_WAITING = 3;
/** `baton run`'s exit code for a run another Baton process took over while this one was paused. */
const EXIT_TAKEN_OVER = 4;
/** `baton run`'s exit code when the Baton host it went through stopped answering while it followed the run. */
const EXIT_HOST_LOST = 5;
/** How often, and how many times in a row, the run is seen waiting on people before giving up. */
const WAIT_CHECK_MS = 250;
const WAIT_CHECKS = 3;

/**
 * Waits for the run to end where it executes (its final `run.updated`, or `runs.waiting` saying
 * that process no longer executes it: ended, or taken over by another), keeping this process
 * alive meanwhile (a retry's timer does not), unless it comes to wait for people (approvals,
 * human or daemon agents, agents offline): nothing can move it on without them, so `baton run`
 * reports what it waits for instead of hanging.
 */
function settledOrWaiting(client: BatonClient, runId: string): Promise<TaskRun[] | null> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    let done = false;
    const end = (settle: () => void) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      off();
      settle();
    };
    const off = client.on('run.updated', (run) => {
      if (run.id === runId && run.status !== 'executing') end(() => resolve(null));
    });
    /** `count`: a look that counts toward the checks in a row that make it "waiting for people". */
    const look = (count: boolean) =>
      client.invoke('runs.waiting', { run_id: runId }).then(
        (now) => {
          if (!now.executing_here) return end(() => resolve(null));
          if (!count) return;
          seen = now.waiting_for_people ? seen + 1 : 0;
          if (now.waiting_for_people && seen >= WAIT_CHECKS) end(() => resolve(now.waiting_for_people));
        },
        (err: unknown) => end(() => reject(err)),
      );
    const timer = setInterval(() => void look(true), WAIT_CHECK_MS);
    // It may have ended before this looked (all in its first tick): that is known at once.
    void look(false);
  });
}

/** A run's tasks, one line each: status, agent, and why (or the error). */
export function printTasks(run: RunDetail, landings?: ReadonlyMap<string, Landing>): void {
  for (const t of run.tasks) {
    const who = t.agent_id ? ` by ${t.agent_id}` : '';
    const why = t.reason ?? t.error;
    const l = landings?.get(t.task_id);
    // A done task's pull request: "in review on GitHub, pull request #7", "not landed: … closed …".
    const pr = l ? `  ${stageLine(l)}` : '';
    process.stdout.write(
      `  ${t.task_id.padEnd(16)} ${t.status.padEnd(11)}${who}${why ? `  ${why}` : ''}${pr}\n`,
    );
  }
}

/** What every `--json` summary starts with. */
function runHeader(run: RunDetail) {
  return {
    run_id: run.id,
    plan_id: run.plan_id,
    plan_version: run.plan_version,
    status: run.status,
    memory_id: run.memory_id,
    counts: run.counts,
  };
}

function reportWaiting(run: RunDetail, waiting: TaskRun[], pending: Approval[], json: boolean): number {
  const approvalOf = new Map(pending.map((a) => [a.task_id, a.id]));
  const resume =
    'The run stays open: it goes on where people can answer, in the app (npm start) or browser mode (baton serve) on the same data directory' +
    (pending.length > 0 ? ', or here: baton approve <approval> | baton reject <approval>.' : '.');
  if (json) {
    const result = {
      ...runHeader(run),
      waiting_for: waiting.map((t) => ({
        task_id: t.task_id,
        status: t.status,
        agent_id: t.agent_id,
        reason: t.reason,
        approval_id: approvalOf.get(t.task_id) ?? null,
      })),
      note: resume,
    };
    printJson(result);
  } else {
    process.stdout.write(`Run ${run.id} waits for people; nothing here can move it on:\n`);
    for (const t of waiting) {
      const who = t.agent_id ? ` (${t.agent_id})` : '';
      const approval = approvalOf.get(t.task_id);
      process.stdout.write(
        `  ${t.task_id.padEnd(16)} ${t.status.padEnd(18)}${who}${t.reason ? `  ${t.reason}` : ''}${approval ? `  [approval ${approval}]` : ''}\n`,
      );
    }
    process.stdout.write(`${run.counts.done}/${run.tasks.length} tasks done so far. ${resume}\n`);
  }
  return EXIT_WAITING;
}

export function describeError(err: unknown): string {
  if (err instanceof ContractError) {
    const advice = (err.details as { advice?: unknown } | undefined)?.advice;
    if (typeof advice === 'string') return `${err.message}: ${advice}`;
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
