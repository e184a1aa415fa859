import type { CodingCli } from '../../../../../src-shared/schemas/agent.ts';
import { isStreamCli } from '../../../../../src-shared/schemas/agent.ts';
import type { Step } from '../../../../../src-shared/schemas/step.ts';
import type { UsageLimitSignal } from '../../../../../src-shared/schemas/usage-limit.ts';
import { CLI_TITLES, messageHow } from '../../../../../src-shared/steering.ts';
import type { ExecutorEvent, PersonMessage } from '../../../../engine/executor.ts';
import { exitOutside } from '../../../../sandbox/index.ts';
import type { LineProcessEnd, OutputLine } from '../../../shared/line-process.ts';
import { truncateText } from '../../../shared/line-splitter.ts';
import { MAX_LOG_LINE } from '../../../shared/output-caps.ts';
import { sandboxStep } from '../../../shared/sandboxed.ts';
import { MAX_EVENT_BYTES, runCli } from '../../attempt/process.ts';
import { sessionNote } from '../../attempt/ready.ts';
import type { NoRoute, Opening, Route, RouteEnd, Running } from '../../attempt/route.ts';
import type { CodingCliDefinition, StreamPart } from '../../clis/definition.ts';
import type { Meter, MeterNote } from '../../metering/meter.ts';
import { budgetExceeded, usd } from '../../metering/spend.ts';
import { capText } from '../../streams/caps.ts';
import { createParser, type StreamParser } from '../../streams/parser.ts';
import { keepForNextTurn } from '../held.ts';
import { StreamTurns, talkOf } from './held-turns.ts';

/**
 * How long a CLI whose model call was refused (its budget spent) may take to show the refusal
 * and end by itself before Baton stops it; a second refused call stops it at once.
 */
const REFUSED_GRACE_MS = 5_000;

const log = (text: string): ExecutorEvent => ({ type: 'log', stream: 'info', text });

/**
 * The stream route: the CLI run headless with its JSON event stream on stdout, each line read
 * into steps by its parser as it comes, beside the metering endpoint's notes; the CLI's final
 * result decides how it ended. Everything else is the attempt's lifecycle (../../attempt/).
 */
export function streamRoute(definition: CodingCliDefinition): Route | NoRoute {
  const { cli, stream } = definition;
  if (stream === null || !isStreamCli(cli))
    return { none: `cli "${cli}" is driven over the Agent Client Protocol only` };
  const nativeBudget = definition.can.nativeBudget;
  return {
    definition,
    launch: stream.launch,
    nativeBudget,
    // Claude Code's open stdin; opencode's bridge to its server (clis/opencode/serve.ts); Codex's app-server.
    steersOnStdin:
      definition.can.steer === 'stdin' ||
      definition.can.steer === 'prompt' ||
      definition.can.steer === 'turn-steer',
    says: cli,
    opening: (a) => opening(a, nativeBudget, definition.can.steer),
    run: (a) => new StreamRun(a, cli, stream.parser, definition.can).run(),
  };
}

/** The prompt Baton gave, as the trace's first step, and the line saying the session, the model server and the cap. */
function opening(
  a: Opening,
  nativeBudget: boolean,
  steer: CodingCliDefinition['can']['steer'],
): ExecutorEvent[] {
  const { ctx, coding, start } = a;
  // opencode given its prompt on its bridge's stdin: driven over its own server.
  const served = steer === 'prompt' && a.inv.input !== undefined;
  const cli = ctx.agent.cli;
  const { cap, resumeId } = start;
  const where = start.meter
    ? `model calls metered by Baton on their way to ${new URL(start.upstream!).origin}`
    : `model calls straight to the server ${cli}'s own config names, spend as ${cli} reports it`;
  return [
    a.step({
      kind: 'message',
      seq: a.r.promptSeq ?? 0,
      at: new Date(a.now()).toISOString(),
      role: 'user',
      text: capText(start.prompt),
    }),
    log(
      // Codex's app-server says so: a person can speak into its turns and stop them.
      `${cli}${a.inv.dialogue ? ' app-server' : ''}: ${resumeId ? `resuming session ${resumeId} (${coding.resume!.reason})` : 'new session'}, ${where}${
        cap === null
          ? ''
          : `, at most ${usd(cap)} (stopped by Baton${nativeBudget ? ` and by ${cli} itself` : ''})`
      }`,
    ),
    ...(served
      ? [
          log(
            `${cli} runs over its own server (opencode serve, through Baton's bridge in its sandbox): a person's words are one more prompt_async into its turn, Stop this turn is its abort`,
          ),
        ]
      : []),
  ];
}

/** One run of the CLI as a process: its lines and the endpoint's notes into steps, until it ends and says how. */
class StreamRun {
  private readonly parser: StreamParser;
  private readonly proc: ReturnType<typeof runCli>;
  /** Why a model call was refused, once one was: the attempt ends with it. */
  private refused: string | null = null;
  private refusedTimer: NodeJS.Timeout | null = null;
  /** Model calls the CLI reported that never passed the endpoint (its own settings name another server). */
  private bypassed = false;
  private announced: string | null;
  private lastReported: number | null = null;
  /** A person's messages sent into the turn (its open stdin), not yet recorded as steps. */
  private readonly said: PersonMessage[] = [];
  /** Wakes the line loop (a message to record). */
  private rouse: () => void = () => {};
  /** A person's hold on its turns between them (held-turns.ts). */
  private readonly turns: StreamTurns;
  /** What people did to its turns, not yet recorded as steps. */
  private readonly notes: { text: string; by: string }[] = [];
  /** Stops listening for a person's messages: the turn ended (its result) or the run did. */
  private unlisten: (() => void) | null = null;

  private readonly a: Running;

  constructor(a: Running, cli: CodingCli, events: StreamPart['parser'], can: CodingCliDefinition['can']) {
    this.a = a;
    const { ctx, coding, r, start, program, graceMs, now } = a;
    this.announced = start.resumeId;
    this.parser = createParser(cli, events, {
      now,
      startSeq: r.firstSeq ?? 1,
      prior: coding.prior,
      model: ctx.agent.model ?? null,
      prices: start.prices,
      // Metered: the endpoint's figures are the usage steps; the CLI's own reports only tell
      // whether some calls went past it.
      ownUsage: start.meter === null,
    });
    const proc = runCli({
      command: program.command,
      args: program.args,
      cwd: r.worktree.dir,
      env: program.env,
      marker: coding.marker,
      graceMs,
      input: a.inv.input ?? null,
    });
    this.proc = proc;
    // How a person's words and holds reach it where its stdin stays open (held-turns.ts).
    const talk = talkOf(a.inv, (text) => proc.write(text));
    // A person's hold on its turns (Stop this turn, Pause).
    this.turns = new StreamTurns({
      turns:
        can.interrupt === 'control' || can.interrupt === 'abort' || can.interrupt === 'turn-interrupt'
          ? ctx.turns
          : undefined,
      talk,
      signal: a.signal,
      hangUp: () => this.hangUp(),
      note: (text, by) => {
        this.notes.push({ text, by });
        this.rouse();
      },
    });
    if (talk && ctx.listen) {
      // Claude Code on an open stream-json stdin, Codex's app-server, opencode's `prompt_async`
      // through its bridge: a person's words go into the running turn (opencode's at its next model request).
      this.unlisten = ctx.listen(
        (m) => {
          if (this.turns.holds()) {
            // Held: the words wait for its next turn.
            keepForNextTurn(this.turns.queued, m.text);
            this.said.push(m);
            this.rouse();
            return 'next_turn';
          }
          if (!talk.say(m.text)) return null;
          this.said.push(m);
          this.rouse();
          return 'this_turn';
        },
        messageHow(CLI_TITLES[cli], 'this_turn', can.steer === 'prompt' ? 'at its next model request' : ''),
        messageHow(CLI_TITLES[cli], 'next_turn'),
      );
    }
    a.atEnd(async () => {
      this.hangUp();
      if (this.refusedTimer) clearTimeout(this.refusedTimer);
      proc.stop('the attempt ended');
      await proc.ended;
    });
    a.stopWith((why) => proc.stop(why));
  }

  async *run(): AsyncGenerator<ExecutorEvent, RouteEnd> {
    const { program, start } = this.a;
    const { meter } = start;
    yield* this.lines();
    this.hangUp();
    yield* this.heard();
    const ran = await this.proc.ended;
    const end = { ...ran, ...exitOutside(program.sandboxed, ran.code, ran.signal) };
    // Every call of the CLI is counted, and every refusal shown, before the attempt says how it ended.
    if (meter) {
      await meter.close();
      yield* this.fromMeter(meter.take());
    }
    await program.release();
    yield* this.refusals();
    if (end.spawnError !== null) return { spawnError: end.spawnError };
    yield* this.ended(end);
    return { stopped: end.stopped, refused: this.refused, outcome: this.outcome() };
  }

  /** The CLI's lines and the endpoint's notes, in the order they come: one wait for either. */
  private async *lines(): AsyncGenerator<ExecutorEvent> {
    const { program, start } = this.a;
    const lines = this.proc.lines[Symbol.asyncIterator]();
    let wake: (() => void) | null = null;
    const rouse = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    this.rouse = rouse;
    start.meter?.listen(rouse);
    // The sandbox's refusals wake the loop as they come, not only at the CLI's next line.
    let watching = false;
    const watch = () => {
      if (watching) return;
      watching = true;
      void program.changed().then(() => {
        watching = false;
        rouse();
      });
    };
    /** The CLI's next line once it came (a holder: the callbacks below fill it). */
    const pending: { got: IteratorResult<OutputLine> | null } = { got: null };
    let asked = false;
    for (;;) {
      if (!asked) {
        asked = true;
        lines.next().then(
          (res) => {
            pending.got = res;
            rouse();
          },
          () => {
            pending.got = { done: true, value: undefined };
            rouse();
          },
        );
      }
      const notes = start.meter?.take() ?? [];
      if (notes.length > 0) {
        yield* this.fromMeter(notes);
        continue;
      }
      yield* this.refusals();
      yield* this.heard();
      const current = pending.got;
      if (current === null) {
        watch();
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        continue;
      }
      pending.got = null;
      asked = false;
      if (current.done) return;
      yield* this.line(current.value);
    }
  }

  /** A person's messages sent into the turn, as user message steps with their names. */
  private *heard(): Generator<ExecutorEvent> {
    const { step, now } = this.a;
    for (const m of this.said.splice(0))
      for (const s of this.parser.said(m.text, m.by, Date.parse(m.at) || now())) yield step(s);
    for (const n of this.notes.splice(0))
      for (const s of this.parser.noted(n.text, n.by, now())) yield step(s);
  }

  /** No more messages: stdin closed, so the CLI ends once its turn is over; a later `runs.say` is refused. */
  private hangUp(): void {
    this.turns.end();
    this.unlisten?.();
    this.unlisten = null;
    this.proc.endInput();
  }

  /** One line of the CLI's: stderr a log line; stdout through the parser, its session and spend looked at. */
  private *line({ stream, line }: OutputLine): Generator<ExecutorEvent> {
    const { ctx, coding, r, program, start, step } = this.a;
    const { agent } = ctx;
    const { parser, proc } = this;
    if (stream === 'stderr') {
      program.stderr(line.text);
      if (line.text.trim())
        yield { type: 'log', stream, text: truncateText(r.clean(line.text), MAX_LOG_LINE, line.truncated) };
      return;
    }
    if (line.truncated > 0)
      proc.stop(
        `${agent.cli} printed an event longer than ${MAX_EVENT_BYTES / 1024 / 1024} MB; the attempt was stopped`,
      );
    // Codex's app-server: what its line asks of Baton is written before the line is read into steps.
    for (const w of this.a.inv.dialogue?.heard(line.text) ?? []) proc.write(w);
    const garbage = parser.noise.not_json;
    for (const s of parser.line(line.text)) {
      // A tool that failed for the sandbox says so in its error (a write the monitor missed).
      if (s.kind === 'tool_call' && s.status === 'failed' && s.error !== null)
        program.toolError(s.error, s.input);
      yield step(s);
    }
    if (parser.noise.not_json > garbage)
      yield {
        type: 'log',
        stream: 'stdout',
        text: truncateText(r.clean(line.text), MAX_LOG_LINE, line.truncated),
      };
    // Its turn ended (its result): stdin is closed, or the CLI would wait on it for ever.
    // Held by a person (held-turns.ts): it stays open for the next turn.
    if (parser.result !== null && !this.turns.atResult(parser.result)) this.hangUp();
    const sessionId = parser.sessionId;
    if (sessionId !== null && sessionId !== this.announced) {
      this.announced = sessionId;
      yield { type: 'session', session: { ...sessionNote(agent, coding, r), session_id: sessionId } };
    }
    const reported = parser.spent;
    const { meter, cap } = start;
    if (meter) {
      // The CLI reports usage of calls the endpoint never saw: its own settings send them elsewhere.
      if (!this.bypassed && reported.input_tokens + reported.output_tokens > 0 && meter.spent.calls === 0) {
        this.bypassed = true;
        const why = `${agent.cli} reports model calls that did not pass Baton's metering endpoint (its own settings name another server): what they cost is what ${agent.cli} says`;
        yield log(why);
        if (cap !== null) proc.stop(`max_cost_usd of ${usd(cap)} cannot be held: ${why}`);
      }
    } else if (reported.usd !== this.lastReported) {
      // No endpoint: the budget is weighed as the CLI reports its usage, after the fact.
      this.lastReported = reported.usd;
      const why = ctx.budgetPassed?.(reported.usd ?? 0) ?? null;
      if (why !== null) proc.stop(why);
    }
  }

  /** What the sandbox refused the CLI, as steps. */
  private *refusals(): Generator<ExecutorEvent> {
    const { program, step, ctx } = this.a;
    for (const b of program.take())
      for (const s of this.parser.sandboxed(sandboxStep(b, ctx.agent.cli))) yield step(s);
  }

  /** The endpoint's notes as steps and log lines; a refusal stops the CLI (after it could show it). */
  private *fromMeter(notes: MeterNote[]): Generator<ExecutorEvent> {
    const { step, ctx } = this.a;
    const { proc } = this;
    for (const n of notes) {
      if (n.kind === 'refused') {
        if (this.refused === null) {
          this.refused = n.reason;
          yield log(`Baton refused ${ctx.agent.cli}'s next model call: ${n.reason}`);
          this.refusedTimer = setTimeout(() => proc.stop(n.reason), REFUSED_GRACE_MS);
        } else proc.stop(this.refused);
        continue;
      }
      const c = n.call;
      const delta = {
        model: c.model,
        ...c.tokens,
        cost_usd: c.cost_usd,
        cost_source: c.cost_source,
      };
      for (const s of this.parser.metered(delta, c.at, c.duration_ms)) yield step(s);
      if (c.unknown !== null)
        yield log(`spend unknown: a model call's answer passed Baton uncounted (${c.unknown})`);
    }
  }

  /** The parser's end (tool calls still running failed, a result when the CLI gave none) and spend it never reported. */
  private *ended(end: LineProcessEnd<string>): Generator<ExecutorEvent> {
    const { step, start, now, ctx } = this.a;
    for (const s of this.parser.end({
      code: end.code,
      signal: end.signal,
      ...(end.stopped ? { stopped: end.stopped } : {}),
    }))
      yield step(s);
    const unseen = unseenSpend(this.parser, start.meter, this.bypassed, now);
    for (const s of unseen) yield step(s);
    if (unseen.length > 0 && !start.meter)
      yield log(`spend unknown: ${ctx.agent.cli} ended before it reported what its last model calls used`);
  }

  /** The CLI's final result: its text and session, or why the attempt fails. */
  private outcome():
    | { text: string; sessionId: string | null }
    | { error: string; limit?: UsageLimitSignal } {
    const { ctx, r, start } = this.a;
    const { cap, meter } = start;
    const result = this.parser.result;
    if (result?.cause === 'budget' && cap !== null)
      return { error: ownBudgetStop(ctx.agent.cli, cap, meter, this.parser) };
    if (!result || result.is_error) {
      const error = r.clean(result?.text ?? `${ctx.agent.cli} ended without a result`);
      // The CLI said its account ran out: the attempt waits for quota (../../streams/limits.ts).
      const limit = this.parser.limit;
      return limit === null ? { error } : { error, limit };
    }
    return { text: result.text, sessionId: this.announced };
  }
}

/**
 * Spend Baton did not see, as a usage step of `unknown` cost (never $0): without the endpoint, a
 * CLI that ended before its final report (codex reports only then); with it, the calls the CLI
 * reported that went past it, at the CLI's own figures.
 */
function unseenSpend(
  parser: StreamParser,
  meter: Meter | null,
  bypassed: boolean,
  now: () => number,
): Step[] {
  const at = now();
  if (meter !== null) {
    if (!bypassed) return [];
    const s = parser.spent;
    return parser.metered(
      {
        model: null,
        input_tokens: s.input_tokens,
        output_tokens: s.output_tokens,
        cached_input_tokens: s.cached_input_tokens,
        cost_usd: s.usd,
        cost_source: s.usd === null ? 'unknown' : 'reported',
      },
      at,
      0,
    );
  }
  const result = parser.result;
  if (result !== null && result.cause !== 'exit') return [];
  return parser.metered(
    {
      model: null,
      input_tokens: 0,
      output_tokens: 0,
      cached_input_tokens: 0,
      cost_usd: null,
      cost_source: 'unknown',
    },
    at,
    0,
  );
}

/**
 * The CLI stopped itself at its own cap (claude's `--max-budget-usd`, by its own prices): said
 * with Baton's count, the figure charged.
 */
function ownBudgetStop(cli: string, cap: number, meter: Meter | null, parser: StreamParser): string {
  const counted = meter ? meter.spent.usd : (parser.spent.usd ?? null);
  if (counted !== null && counted >= cap) return budgetExceeded(counted, cap);
  return `budget: ${cli} stopped itself at its own --max-budget-usd of ${usd(cap)} (by its own prices); Baton counted ${counted === null ? 'an unknown amount' : usd(counted)}`;
}
