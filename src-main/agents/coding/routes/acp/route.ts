import type { Step } from '../../../../../src-shared/schemas/step.ts';
import type { ExecutorEvent } from '../../../../engine/executor.ts';
import type { Blocked } from '../../../../sandbox/index.ts';
import { createEventChannel } from '../../../shared/event-channel.ts';
import { sandboxStep } from '../../../shared/sandboxed.ts';
import type { Opening, Route, RouteEnd, Running } from '../../attempt/route.ts';
import type { AcpPart, CodingCliDefinition } from '../../clis/definition.ts';
import { usd } from '../../metering/spend.ts';
import { clientSide } from './acp-client.ts';
import { AcpSession } from './session.ts';
import { AcpTerminals } from './terminals.ts';
import { AcpTrace } from './trace.ts';

/**
 * The Agent Client Protocol route: the agent started by its launch, `initialize`, `session/new`
 * in the worktree (or `session/load` of the task's session to resume it), `session/prompt` with
 * the task's prompt; its updates as steps, its permission requests answered by the tool policy or
 * a person. Everything else is the attempt's lifecycle (../../attempt/). See README.md beside this file.
 */
export function acpRoute(definition: CodingCliDefinition): Route {
  const { acp } = definition;
  return {
    definition,
    launch: acp.launch,
    nativeBudget: false,
    steersOnStdin: false,
    says: `${definition.cli} over ACP`,
    opening,
    run: (a) => runSession(a, acp),
  };
}

/** The line saying how the agent starts, which session, where its model calls go and the cap. */
function opening({ ctx, coding, start, inv }: Opening): ExecutorEvent[] {
  const { cap, resumeId, meter, upstream } = start;
  return [
    {
      type: 'log',
      stream: 'info',
      text: `${ctx.agent.cli} over ACP (${inv.command}): ${resumeId ? `loading session ${resumeId} (${coding.resume!.reason})` : 'new session'}${
        meter ? `, model calls metered by Baton on their way to ${new URL(upstream!).origin}` : ''
      }${cap === null ? '' : `, at most ${usd(cap)} (stopped by Baton)`}`,
    },
  ];
}

/**
 * The agent's session (`session.ts`), its updates, permission requests, terminals, the sandbox's
 * refusals and the endpoint's notes into the attempt's events as they come, until it ended and
 * says how.
 */
async function* runSession(a: Running, launch: AcpPart): AsyncGenerator<ExecutorEvent, RouteEnd> {
  const { ctx, r, start, program, now } = a;
  const { agent } = ctx;
  const { cap, meter } = start;
  const channel = createEventChannel<ExecutorEvent>({});
  /** Events that come after the channel closed (the last turn's text, late model calls): yielded at the end. */
  const late: ExecutorEvent[] = [];
  let closed = false;
  const push = (ev: ExecutorEvent) => (closed ? late.push(ev) : channel.push(ev));
  const log = (text: string) => push({ type: 'log', stream: 'info', text });
  const trace = new AcpTrace({
    startSeq: r.firstSeq ?? 1,
    now,
    ownUsage: start.upstream === null,
    model: agent.model ?? null,
  });
  /** Cost the agent reported of calls that never passed the metering endpoint (its own config names another server). */
  let bypassed = false;
  const emit = (steps: Step[]) => {
    for (const s of steps) {
      // A write the sandbox refused that its monitor did not see still fails the tool saying so.
      if (s.kind === 'tool_call' && s.status === 'failed' && s.error !== null)
        program.toolError(s.error, s.input);
      push(a.step(s));
      // Not metered: the budget is weighed as the agent reports its cost, after the fact.
      if (s.kind === 'usage' && meter === null) {
        const why = ctx.budgetPassed?.(trace.reportedUsd ?? 0) ?? null;
        if (why !== null) session.stop(why);
      }
    }
    // Metered, but the agent reports spending while no call passed the endpoint: said, and a cap stops it.
    if (meter && !bypassed && (trace.reportedUsd ?? 0) > 0 && meter.spent.calls === 0) {
      bypassed = true;
      const why = `${agent.cli} reports model calls that did not pass Baton's metering endpoint (its own config names another server): what they cost is what ${agent.cli} says`;
      log(why);
      if (cap !== null) session.stop(`max_cost_usd of ${usd(cap)} cannot be held: ${why}`);
    }
  };
  /**
   * What the sandbox refused the agent, each a step with its seq and time (a step without them
   * cannot be stored: the engine's whole write of that moment, every task's, was rolled back).
   */
  const emitRefusals = (blocked: readonly Blocked[], process: string = agent.cli) => {
    for (const b of blocked)
      emit([{ ...sandboxStep(b, process), seq: trace.take(), at: new Date(now()).toISOString() } as Step]);
  };
  // Commands the agent runs through Baton: in the worktree, in the sandbox under the attempt's policy.
  const terminals = new AcpTerminals({
    worktree: r.worktree.dir,
    folders: [r.tmp],
    env: a.env,
    policy: r.sandbox.policy,
    hide: r.sandbox.hide,
    mayWrite: r.sandbox.mayWrite,
    owner: `agent "${agent.id}"`,
    askHost: ctx.sandboxHosts?.ask,
    marker: a.coding.marker,
    graceMs: a.graceMs,
    refused: (blocked, process) => emitRefusals(blocked, process),
  });
  const session = new AcpSession(a, terminals, push);
  /** The metering endpoint's notes: each model call a usage step; a refused call ends the session. */
  const fromMeter = () => {
    for (const n of meter?.take() ?? []) {
      if (n.kind === 'refused') {
        session.refused ??= n.reason;
        session.stop(n.reason);
        continue;
      }
      const c = n.call;
      emit([
        {
          kind: 'usage',
          seq: trace.take(),
          at: new Date(c.at).toISOString(),
          model: c.model,
          ...c.tokens,
          cost_usd: c.cost_usd,
          cost_source: c.cost_source,
          duration_ms: c.duration_ms,
        },
      ]);
    }
  };
  meter?.listen(fromMeter);
  const side = clientSide(
    ctx,
    r.worktree.dir,
    trace,
    emit,
    session.signal,
    terminals,
    launch.reportsToolNames === true,
    launch.callKeys,
    {
      mayWrite: r.sandbox.mayWrite ?? [],
      refused: (blocked, process) => emitRefusals(blocked, process),
      turn: () => session.turnSignal,
    },
  );
  const outcome = session.converse(side, launch, trace, emit, log);
  void Promise.race([outcome, session.exited]).then(() => {
    closed = true;
    channel.close();
  });

  for await (const ev of channel.drain()) {
    emitRefusals(program.take());
    yield ev;
  }
  const end = await Promise.race([outcome, session.exited.then(() => null)]);
  // No command of the agent's still runs (or writes to the worktree) once its session is over.
  await terminals.closeAll();
  const ran = await Promise.race([
    session.exited,
    new Promise<null>((res) => setTimeout(() => res(null), 0)),
  ]);
  if (ran?.spawnError) return { spawnError: ran.spawnError };
  // Every model call counted, every refusal of the sandbox shown, before the attempt says how it ended.
  if (meter) {
    await meter.close();
    fromMeter();
  }
  emit(trace.endTurn());
  emit(trace.unfinished('the session ended before the call answered'));
  emitRefusals(program.take());
  // What the agent said those calls cost is all there is of them.
  if (bypassed) emit([trace.usageStep(trace.reportedUsd, 'reported')]);
  if (meter === null && trace.reportedUsd === null) {
    emit([trace.usageStep(null, 'unknown')]);
    late.push({ type: 'log', stream: 'info', text: `spend unknown: ${agent.cli} reported no cost over ACP` });
  }
  yield* late.splice(0);
  return {
    stopped: session.stopping,
    refused: session.refused,
    outcome: await session.outcome(end, trace),
  };
}
