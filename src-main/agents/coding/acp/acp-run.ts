import { Readable, Writable } from 'node:stream';
import type { ClientConnection, PromptResponse, StopReason } from '@agentclientprotocol/sdk';
import { ndJsonStream, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { Step, StepOf } from '../../../../src-shared/schemas/step.ts';
import type { CodingContext, ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import { CANCELLED } from '../../../engine/executor.ts';
import { spawnTree } from '../../../processes/process-tree.ts';
import type { Blocked } from '../../../sandbox/index.ts';
import { redactValue } from '../../../secrets/secrets.ts';
import { createEventChannel } from '../../shared/event-channel.ts';
import { createLineSplitter } from '../../shared/line-splitter.ts';
import { sandboxStep } from '../../shared/sandboxed.ts';
import { startAttempt } from '../cli/attempt-start.ts';
import { baseEnv, cliEnv } from '../cli/cli-env.ts';
import type { Ready } from '../cli/cli-run.ts';
import { sessionNote } from '../cli/cli-run.ts';
import { confineCli } from '../cli/cli-sandbox.ts';
import { diffReviewed, tipBeforeChanges, toolCallTally, unchangedVerdict } from '../cli/unchanged.ts';
import { finish } from '../cli/worktree.ts';
import { stoppedFor, usd } from '../metering/spend.ts';
import { capText } from '../streams/caps.ts';
import { clientSide } from './acp-client.ts';
import { acpLaunch } from './launches/index.ts';
import { answersPrompt } from './permission.ts';
import { withoutReplay } from './replay.ts';
import { AcpTerminals } from './terminals.ts';
import { AcpTrace } from './trace.ts';

/** How many extra prompts may tell the agent what a person answered (denials, edited arguments). */
const MAX_ANSWER_PROMPTS = 3;
/** How long the agent may take to end its turn after `session/cancel` before its process tree is stopped. */
const CANCEL_GRACE_MS = 3_000;

const error = (message: string): ExecutorEvent => ({ type: 'error', message });

/** What an ACP error says: its message, and its data when it has any (the agent's own words). */
function acpErrorText(err: unknown): string {
  const e = err as { message?: unknown; data?: unknown };
  const data = e?.data === undefined ? '' : typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return capText(data && !message.includes(data) ? `${message}: ${data}` : message);
}

/**
 * A coding attempt on the Agent Client Protocol: the agent started by its launch in the OS
 * sandbox, `initialize`, `session/new` in the worktree (or `session/load` of the task's session
 * to resume it), `session/prompt` with the task's prompt; its updates as steps, its permission
 * requests answered by the tool policy or a person; then the worktree's work recorded as on the
 * stream route. See README.md beside this file.
 */
export async function* runAcpAgent(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  r: Ready,
  signal: AbortSignal,
  graceMs: number,
  now: () => number,
): AsyncGenerator<ExecutorEvent> {
  const { agent } = ctx;
  const launch = acpLaunch(agent.cli);
  if (!launch) return yield error(`cli "${agent.cli}" has no ACP launch in this Baton (protocol "acp")`);
  // Any ACP agent by its own command (cli "acp") talks to a server Baton does not know: not metered.
  const started = await startAttempt(ctx, coding, r, signal, now, agent.cli !== 'acp');
  if (!started.ok) return yield started.event;
  const { fresh, resumeId, cap, upstream, meter, spend, provider } = started.start;
  let prompt = started.start.prompt;
  let inv: Awaited<ReturnType<typeof launch.invocation>>;
  try {
    inv = await launch.invocation({
      agent,
      dir: r.worktree.dir,
      home: coding.home,
      tmp: r.tmp,
      provider,
      modelUrl: meter?.url ?? null,
      prompt,
      resume: resumeId,
      maxCostUsd: null,
      root: typeof process.getuid === 'function' && process.getuid() === 0,
      sandboxed: r.sandbox.policy.mode !== 'off',
      batonMcp: null,
    });
  } catch (err) {
    await meter?.close();
    return yield error(r.clean((err as Error).message));
  }

  const channel = createEventChannel<ExecutorEvent>({});
  /** Events that come after the channel closed (the last turn's text, late model calls): yielded at the end. */
  const late: ExecutorEvent[] = [];
  let closed = false;
  const push = (ev: ExecutorEvent) => (closed ? late.push(ev) : channel.push(ev));
  const tally = toolCallTally();
  const trace = new AcpTrace({
    startSeq: r.firstSeq ?? 1,
    now,
    ownUsage: upstream === null,
    model: agent.model ?? null,
  });
  /** Cost the agent reported of calls that never passed the metering endpoint (its own config names another server). */
  let bypassed = false;
  /** A tool call that failed, told to the sandbox's report (set once the program is confined). */
  let toolFailed: (s: StepOf<'tool_call'>) => void = () => {};
  const emit = (steps: Step[]) => {
    for (const s of steps) {
      tally.see(s);
      if (s.kind === 'tool_call' && s.status === 'failed' && s.error !== null) toolFailed(s);
      push({ type: 'step', step: r.secrets.length > 0 ? (redactValue(s, r.secrets) as Step) : s });
      // Not metered: the budget is weighed as the agent reports its cost, after the fact.
      if (s.kind === 'usage' && meter === null) {
        const why = ctx.budgetPassed?.(trace.reportedUsd ?? 0) ?? null;
        if (why !== null) stop(why);
      }
    }
    // Metered, but the agent reports spending while no call passed the endpoint: said, and a cap stops it.
    if (meter && !bypassed && (trace.reportedUsd ?? 0) > 0 && meter.spent.calls === 0) {
      bypassed = true;
      const why = `${agent.cli} reports model calls that did not pass Baton's metering endpoint (its own config names another server): what they cost is what ${agent.cli} says`;
      log(why);
      if (cap !== null) stop(`max_cost_usd of ${usd(cap)} cannot be held: ${why}`);
    }
  };
  const log = (text: string) => push({ type: 'log', stream: 'info', text });
  /**
   * What the sandbox refused the agent, each a step with its seq and time (a step without them
   * cannot be stored: the engine's whole write of that moment, every task's, was rolled back).
   */
  const emitRefusals = (blocked: readonly Blocked[], process: string = agent.cli) => {
    for (const b of blocked)
      emit([{ ...sandboxStep(b, process), seq: trace.take(), at: new Date(now()).toISOString() } as Step]);
  };
  log(
    `${agent.cli} over ACP (${inv.command}): ${resumeId ? `loading session ${resumeId} (${coding.resume!.reason})` : 'new session'}${
      meter ? `, model calls metered by Baton on their way to ${new URL(upstream!).origin}` : ''
    }${cap === null ? '' : `, at most ${usd(cap)} (stopped by Baton)`}`,
  );

  const env = cliEnv(baseEnv(inv.home, r.tmp), inv.env, r.env, meter);
  const tipBefore = await tipBeforeChanges(ctx, coding, r.worktree.branch, signal);
  const { confined, where: reach } = await confineCli({
    ctx,
    coding,
    r,
    inv,
    env,
    endpoint: meter?.url ?? null,
    mcp: null,
  });
  if (!confined.ok) {
    await meter?.close();
    return yield error(r.clean(`cannot start ${agent.cli} over ACP ("${inv.command}"): ${confined.error}`));
  }
  const program = confined.program;
  // A write the sandbox refused that its monitor did not see still fails the tool saying so.
  toolFailed = (s) => program.toolError(s.error ?? '', s.input);
  log(
    program.sandboxed
      ? `${agent.cli} runs in the OS sandbox: ${reach}`
      : `${agent.cli} runs without the OS sandbox (agent "${agent.id}" has its sandbox off)`,
  );

  const tree = spawnTree(program.command, program.args, {
    cwd: r.worktree.dir,
    env: program.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    graceMs,
    id: coding.marker,
  });
  const child = tree.child;
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    spawnError: string | null;
  }>((resolve) => {
    child.on('error', (err) => {
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: err.message });
    });
    child.on('exit', (code, sig) => resolve({ code, signal: sig, spawnError: null }));
  });
  const stderr = createLineSplitter(64 * 1024);
  /** The agent's last words on stderr: said when the connection ends without an answer. */
  const lastWords: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => {
    for (const line of stderr.push(chunk)) {
      program.stderr(line.text);
      if (line.text.trim()) lastWords.push(line.text.slice(0, 500));
      if (lastWords.length > 3) lastWords.shift();
      if (line.text.trim()) push({ type: 'log', stream: 'stderr', text: r.clean(line.text) });
    }
  });
  child.stdin!.on('error', () => {});

  /** Why Baton ends the session (cancelled, timed out, a refused model call), once it does. */
  let stopping: string | null = null;
  let conn: ClientConnection | null = null;
  let sessionId: string | null = null;
  const abort = new AbortController();
  const stop = (why: string) => {
    if (stopping !== null) return;
    stopping = why;
    abort.abort();
    if (conn && sessionId) void conn.agent.notify('session/cancel', { sessionId }).catch(() => {});
    setTimeout(() => void tree.stop({ leavesFirst: true }), CANCEL_GRACE_MS).unref();
  };
  const onAbort = () => stop('cancelled');
  signal.addEventListener('abort', onAbort, { once: true });
  const timer =
    agent.timeout_s === undefined
      ? null
      : setTimeout(() => stop(`timed out after ${agent.timeout_s} s`), agent.timeout_s * 1000);
  let refused: string | null = null;
  /** The metering endpoint's notes: each model call a usage step; a refused call ends the session. */
  const fromMeter = () => {
    for (const n of meter?.take() ?? []) {
      if (n.kind === 'refused') {
        refused ??= n.reason;
        stop(n.reason);
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

  // Commands the agent runs through Baton: in the worktree, in the sandbox under the attempt's policy.
  const terminals = new AcpTerminals({
    worktree: r.worktree.dir,
    folders: [r.tmp],
    env,
    policy: r.sandbox.policy,
    hide: r.sandbox.hide,
    mayWrite: r.sandbox.mayWrite,
    owner: `agent "${agent.id}"`,
    askHost: ctx.sandboxHosts?.ask,
    marker: coding.marker,
    graceMs,
    refused: (blocked, process) => emitRefusals(blocked, process),
  });
  /** How many updates a loaded session replayed (left out). */
  let replayed = () => 0;
  const side = clientSide(
    ctx,
    r.worktree.dir,
    trace,
    emit,
    abort.signal,
    terminals,
    launch.reportsToolNames === true,
    launch.callKeys,
    { mayWrite: r.sandbox.mayWrite ?? [], refused: (blocked, process) => emitRefusals(blocked, process) },
  );
  /** How the session ended: the agent's last stop reason, or what went wrong. */
  const outcome = (async (): Promise<{ stop: StopReason } | { failed: string }> => {
    try {
      // A loaded session's replayed history is left out on the wire: its steps are stored already.
      const wire = withoutReplay(
        ndJsonStream(
          Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>,
          Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>,
        ),
      );
      replayed = wire.replayed;
      const settled = wire.settled;
      conn = side.app.connect(wire.stream);
      const agentSide = conn.agent;
      const init = await agentSide.request('initialize', {
        protocolVersion: PROTOCOL_VERSION,
        clientCapabilities: {
          fs: launch.clientFs === false ? {} : { readTextFile: true, writeTextFile: true },
          terminal: true,
        },
        clientInfo: { name: 'baton', version: '1' },
      });
      const cwd = r.worktree.dir;
      let loaded = false;
      if (resumeId && init.agentCapabilities?.loadSession) {
        try {
          await agentSide.request('session/load', { sessionId: resumeId, cwd, mcpServers: [] });
          loaded = true;
          // Gemini CLI goes on replaying after its answer: the prompt waits until it is quiet.
          await settled();
          log(
            `${agent.cli} loaded session ${resumeId}: its ${replayed()} replayed updates are the earlier attempts' steps, not recorded again`,
          );
        } catch (err) {
          // Gemini CLI advertises loadSession but cannot load a session in a new process.
          log(
            `${agent.cli} could not load session ${resumeId} over ACP (${acpErrorText(err)}): a new session starts in the same worktree, given the task again with why it goes on; the model does not see the earlier conversation`,
          );
        }
        if (loaded) sessionId = resumeId;
      } else if (resumeId)
        log(
          `${agent.cli} cannot load a session over ACP: a new session starts in the same worktree, given the task again with why it goes on; the model does not see the earlier conversation`,
        );
      if (!loaded && resumeId) prompt = fresh;
      // The prompt as sent: a new session after a load that failed is given the task again.
      emit([
        {
          kind: 'message',
          seq: r.promptSeq ?? 0,
          at: new Date(now()).toISOString(),
          role: 'user',
          text: capText(prompt),
        },
      ]);
      if (!loaded) {
        sessionId = (await agentSide.request('session/new', { cwd, mcpServers: [] })).sessionId;
        push({
          type: 'session',
          session: { ...sessionNote(agent, coding, r), session_id: sessionId },
        });
      }
      let text: string = prompt;
      for (let n = 0; ; n++) {
        if (stopping !== null) return { stop: 'cancelled' };
        const res: PromptResponse = await agentSide.request('session/prompt', {
          sessionId,
          prompt: [{ type: 'text', text }],
        });
        emit(trace.endTurn());
        const notes = side.takeNotes();
        // A turn the agent ended on a denial (codex's "reject" aborts its turn) goes on too.
        const goesOn = res.stopReason === 'end_turn' || (res.stopReason === 'cancelled' && notes.length > 0);
        if (!goesOn || notes.length === 0 || n >= MAX_ANSWER_PROMPTS || stopping !== null)
          return { stop: res.stopReason };
        text = answersPrompt(notes);
        emit(trace.message('user', text));
      }
    } catch (err) {
      return { failed: (err as Error).message || String(err) };
    }
  })();
  void Promise.race([outcome, exited]).then(() => {
    closed = true;
    channel.close();
  });

  try {
    for await (const ev of channel.drain()) {
      emitRefusals(program.take());
      yield ev;
    }
    const end = await Promise.race([outcome, exited.then(() => null)]);
    // No command of the agent's still runs (or writes to the worktree) once its session is over.
    await terminals.closeAll();
    const ran = await Promise.race([exited, new Promise<null>((res) => setTimeout(() => res(null), 0))]);
    if (ran?.spawnError)
      return yield error(r.clean(`cannot start ${agent.cli} ("${inv.command}"): ${ran.spawnError}`));
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
      late.push({
        type: 'log',
        stream: 'info',
        text: `spend unknown: ${agent.cli} reported no cost over ACP`,
      });
    }
    yield* late.splice(0);
    if (signal.aborted || stopping === 'cancelled') return yield CANCELLED;
    if (refused !== null && meter)
      return yield error(r.clean(stoppedFor(spend.state.stopped ?? 'budget', refused, meter.spent, cap)));
    if (stopping !== null) return yield error(r.clean(stopping));
    if (end === null)
      return yield error(
        r.clean(
          `${agent.cli} ended before its session did (exit ${(await exited).code})${lastWords.length > 0 ? `: ${lastWords.join(' / ')}` : ''}`,
        ),
      );
    if ('failed' in end)
      return yield error(
        r.clean(
          `${agent.cli} over ACP: ${end.failed}${lastWords.length > 0 ? ` (it said: ${lastWords.join(' / ')})` : ''}`,
        ),
      );
    if (end.stop !== 'end_turn') return yield error(r.clean(`${agent.cli} stopped its turn: ${end.stop}`));
    let finished: Awaited<ReturnType<typeof finish>>;
    try {
      r.finishing?.();
      finished = await finish(ctx, coding, r.worktree, r.clean(trace.lastText), sessionId, signal);
    } catch (err) {
      if (signal.aborted) return yield CANCELLED;
      return yield error(
        r.clean(`the agent finished, but its work could not be recorded: ${(err as Error).message}`),
      );
    }
    yield* finished.events;
    const same = unchangedVerdict(finished.output, tipBefore, tally.counts, diffReviewed(ctx.task, agent));
    if (same && 'fail' in same) return yield error(same.fail);
    if (same) yield { type: 'log', stream: 'info', text: same.log };
    yield { type: 'result', output: finished.output };
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
    abort.abort();
    await terminals.closeAll();
    (conn as ClientConnection | null)?.close();
    child.stdin?.destroy();
    await tree.stop({ leavesFirst: true });
    await meter?.close();
    await program.release();
  }
}
