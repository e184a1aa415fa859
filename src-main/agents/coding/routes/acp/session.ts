import { Readable, Writable } from 'node:stream';
import type { ClientConnection, PromptResponse, StopReason } from '@agentclientprotocol/sdk';
import { ndJsonStream, PROTOCOL_VERSION } from '@agentclientprotocol/sdk';
import type { Step } from '../../../../../src-shared/schemas/step.ts';
import type { UsageLimitSignal } from '../../../../../src-shared/schemas/usage-limit.ts';
import { CLI_TITLES, messageHow } from '../../../../../src-shared/steering.ts';
import { TURN_STOPPED } from '../../../../engine/attempt-turns.ts';
import type { ExecutorEvent } from '../../../../engine/executor.ts';
import { spawnTree } from '../../../../processes/process-tree.ts';
import { createLineSplitter } from '../../../shared/line-splitter.ts';
import { sessionNote } from '../../attempt/ready.ts';
import type { Running } from '../../attempt/route.ts';
import type { AcpPart } from '../../clis/definition.ts';
import { capText } from '../../streams/caps.ts';
import { limitOfText } from '../../streams/limits.ts';
import { keepForNextTurn, nextTurnAfterHold, noteText } from '../held.ts';
import type { ClientSide } from './acp-client.ts';
import { answersPrompt } from './permission.ts';
import { withoutReplay } from './replay.ts';
import type { AcpTerminals } from './terminals.ts';
import type { AcpTrace } from './trace.ts';

/** The prompt after an empty answer to the turn after a stopped one (Claude's ACP adapter). */
const GO_ON_AFTER_EMPTY = 'Go on with the task.';
/** How many extra prompts may tell the agent what a person answered (denials, edited arguments). */
const MAX_ANSWER_PROMPTS = 3;
/** How long the agent may take to end its turn after `session/cancel` before its process tree is stopped. */
const CANCEL_GRACE_MS = 3_000;
/**
 * How often a stopped turn's `session/cancel` is sent again while the turn has not ended. An agent
 * built on the ACP SDK hands a cancel that reaches it together with the prompt to its handler
 * before the prompt's (checked with the SDK): it finds no turn to stop and is lost, and the turn
 * runs on while a person waits for it to end (a pause, the terminal's take-over).
 */
const CANCEL_AGAIN_MS = 1_000;

/** How the conversation ended: the agent's last stop reason, or what went wrong. */
export type Conversation = { stop: StopReason } | { failed: string };

/** What an ACP error says: its message, and its data when it has any (the agent's own words). */
function acpErrorText(err: unknown): string {
  const e = err as { message?: unknown; data?: unknown };
  const data = e?.data === undefined ? '' : typeof e.data === 'string' ? e.data : JSON.stringify(e.data);
  const message = typeof e?.message === 'string' ? e.message : String(err);
  return capText(data && !message.includes(data) ? `${message}: ${data}` : message);
}

/**
 * The agent's process on the ACP route and its session: started at once in the OS sandbox (a
 * process tree marked with the attempt), its stderr as log lines, stopped by `stop` (cancel,
 * timeout, a refused model call: `session/cancel`, then the tree after 3 s) and when the attempt
 * ends; `converse` runs the protocol.
 */
export class AcpSession {
  /** Why Baton ends the session (cancelled, timed out, a refused model call), once it does. */
  stopping: string | null = null;
  /** Why the metering endpoint refused a model call, once it did. */
  refused: string | null = null;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError: string | null }>;
  private readonly tree: ReturnType<typeof spawnTree>;
  private readonly abort = new AbortController();
  /** Aborted when a person stops the running turn; a new one for each turn. */
  private turn = new AbortController();
  /** Sends the stopped turn's `session/cancel` again until the turn ends (`CANCEL_AGAIN_MS`). */
  private cancelAgain: NodeJS.Timeout | null = null;
  private conn: ClientConnection | null = null;
  private sessionId: string | null = null;
  /** The agent's last words on stderr: said when the connection ends without an answer. */
  private readonly lastWords: string[] = [];

  private readonly a: Running;
  private readonly push: (ev: ExecutorEvent) => void;

  constructor(a: Running, terminals: AcpTerminals, push: (ev: ExecutorEvent) => void) {
    this.a = a;
    this.push = push;
    const { r, program } = a;
    const tree = spawnTree(program.command, program.args, {
      cwd: r.worktree.dir,
      env: program.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      graceMs: a.graceMs,
      id: a.coding.marker,
    });
    this.tree = tree;
    const child = tree.child;
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => {
        if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: err.message });
      });
      child.on('exit', (code, sig) => resolve({ code, signal: sig, spawnError: null }));
    });
    const stderr = createLineSplitter(64 * 1024);
    child.stderr!.on('data', (chunk: Buffer) => {
      for (const line of stderr.push(chunk)) {
        program.stderr(line.text);
        if (line.text.trim()) this.lastWords.push(line.text.slice(0, 500));
        if (this.lastWords.length > 3) this.lastWords.shift();
        if (line.text.trim()) this.push({ type: 'log', stream: 'stderr', text: r.clean(line.text) });
      }
    });
    child.stdin!.on('error', () => {});
    a.atEnd(async () => {
      this.turnEnded();
      this.abort.abort();
      await terminals.closeAll();
      this.conn?.close();
      child.stdin?.destroy();
      await tree.stop({ leavesFirst: true });
    });
    a.stopWith((why) => this.stop(why));
  }

  /** Aborted once Baton ends the session: what the client side waits on (a person's answer) gives up. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Ends the session: `session/cancel`, then the process tree after a grace period. The first reason stands. */
  stop(why: string): void {
    if (this.stopping !== null) return;
    this.stopping = why;
    this.abort.abort();
    const { conn, sessionId } = this;
    if (conn && sessionId) void conn.agent.notify('session/cancel', { sessionId }).catch(() => {});
    setTimeout(() => void this.tree.stop({ leavesFirst: true }), CANCEL_GRACE_MS).unref();
  }

  /** The running turn's signal: aborted by Stop this turn or Pause, or when the session ends. */
  get turnSignal(): AbortSignal {
    return AbortSignal.any([this.abort.signal, this.turn.signal]);
  }

  /** Stops the running turn, not the session (Stop this turn, Pause): `session/cancel`; it ends with `cancelled`. */
  private cancelTurn(sessionId: string): boolean {
    const conn = this.conn;
    if (!conn || this.stopping !== null) return false;
    this.turn.abort(TURN_STOPPED);
    const cancel = () => void conn.agent.notify('session/cancel', { sessionId }).catch(() => {});
    cancel();
    this.cancelAgain ??= setInterval(cancel, CANCEL_AGAIN_MS).unref();
    return true;
  }

  /** The turn ended: its cancel is not sent again. */
  private turnEnded(): void {
    if (this.cancelAgain) clearInterval(this.cancelAgain);
    this.cancelAgain = null;
  }

  /**
   * The protocol: `initialize`, `session/load` of the session to resume (its replay left out on
   * the wire) or `session/new`, then `session/prompt` with the prompt, and again (at most 3 times)
   * with what a person answered that the agent must be told.
   */
  async converse(
    side: ClientSide,
    launch: AcpPart,
    trace: AcpTrace,
    emit: (steps: Step[]) => void,
    log: (text: string) => void,
  ): Promise<Conversation> {
    const { ctx, coding, r, start, now } = this.a;
    const { agent } = ctx;
    const { fresh, resumeId } = start;
    let prompt = start.prompt;
    const child = this.tree.child;
    try {
      // A loaded session's replayed history is left out on the wire: its steps are stored already.
      const wire = withoutReplay(
        ndJsonStream(
          Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>,
          Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>,
        ),
      );
      this.conn = side.app.connect(wire.stream);
      const agentSide = this.conn.agent;
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
          await wire.settled();
          log(
            `${agent.cli} loaded session ${resumeId}: its ${wire.replayed()} replayed updates are the earlier attempts' steps, not recorded again`,
          );
        } catch (err) {
          // Gemini CLI advertises loadSession but cannot load a session in a new process.
          log(
            `${agent.cli} could not load session ${resumeId} over ACP (${acpErrorText(err)}): a new session starts in the same worktree, given the task again with why it goes on; the model does not see the earlier conversation`,
          );
        }
        if (loaded) this.sessionId = resumeId;
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
        const sessionId = (await agentSide.request('session/new', { cwd, mcpServers: [] })).sessionId;
        this.sessionId = sessionId;
        this.push({ type: 'session', session: { ...sessionNote(agent, coding, r), session_id: sessionId } });
      }
      const sessionId = this.sessionId!;
      // A person's words (`runs.say`): ACP has no steer, so they are the session's next prompt once this turn ends.
      const heard: string[] = [];
      let hearing = true;
      const unlisten = ctx.listen?.(
        (m) => {
          if (!hearing || this.stopping !== null) return null;
          keepForNextTurn(heard, m.text);
          emit(trace.message('user', m.text, m.by));
          return 'next_turn';
        },
        messageHow(CLI_TITLES[agent.cli], 'next_turn'),
      );
      // A person's hold between turns (Stop this turn, Pause): `session/cancel` stops the turn, and
      // the next prompt waits for their words or Resume (../held.ts).
      const turns = ctx.turns;
      const unnote = turns?.notes((n) => emit(trace.message('system', noteText(n), n.by)));
      try {
        let text: string = prompt;
        /** The turn before was stopped for a person; and whether its leftover answer was sent again. */
        let afterStop = false;
        let again = false;
        for (let n = 0; ; ) {
          if (this.stopping !== null) return { stop: 'cancelled' };
          let stopped = false;
          if (this.turn.signal.aborted) this.turn = new AbortController();
          const forget = turns?.interruptible(() => {
            stopped = this.cancelTurn(sessionId);
            return stopped;
          });
          let res: PromptResponse;
          const before = trace.nextSeq;
          try {
            res = await agentSide.request('session/prompt', { sessionId, prompt: [{ type: 'text', text }] });
          } finally {
            forget?.();
            this.turnEnded();
          }
          // Claude's ACP adapter answers the first prompt after a stopped turn at once with that
          // turn's leftover end, and runs the prompt unseen; its updates come with the next prompt.
          // Nothing recorded meanwhile: it is prompted once more to go on, which brings them.
          if (afterStop && !again && trace.nextSeq === before && this.stopping === null) {
            again = true;
            log(
              `${agent.cli} answered the turn after a stopped one at once (${res.stopReason}), nothing recorded: prompted to go on`,
            );
            text = GO_ON_AFTER_EMPTY;
            continue;
          }
          afterStop = stopped;
          again = false;
          emit(trace.endTurn());
          this.a.turnEnded();
          const notes = side.takeNotes();
          const next = await nextTurnAfterHold(turns, this.signal, heard, stopped);
          if (next !== undefined) afterStop = true;
          if (next === null) return { stop: 'cancelled' };
          if (next !== undefined) {
            text = notes.length > 0 ? `${answersPrompt(notes)}\n\n${next}` : next;
            continue;
          }
          // A turn the agent ended on a denial (codex's "reject" aborts its turn) goes on too.
          const goesOn =
            res.stopReason === 'end_turn' || (res.stopReason === 'cancelled' && notes.length > 0);
          const answers = goesOn && notes.length > 0 && n < MAX_ANSWER_PROMPTS;
          if (!goesOn || this.stopping !== null || (!answers && heard.length === 0)) {
            hearing = false;
            return { stop: res.stopReason };
          }
          const parts: string[] = [];
          if (answers) {
            n++;
            const answer = answersPrompt(notes);
            emit(trace.message('user', answer));
            parts.push(answer);
          }
          // Already recorded as they came, with the person's name.
          parts.push(...heard.splice(0));
          text = parts.join('\n\n');
        }
      } finally {
        hearing = false;
        unlisten?.();
        unnote?.();
      }
    } catch (err) {
      return { failed: acpErrorText(err) || String(err) };
    }
  }

  /** The agent's end in the attempt's words: its last text and session, or why it failed. */
  async outcome(
    end: Conversation | null,
    trace: AcpTrace,
  ): Promise<{ text: string; sessionId: string | null } | { error: string; limit?: UsageLimitSignal }> {
    const { r, ctx } = this.a;
    const cli = ctx.agent.cli;
    const words = this.lastWords;
    // ACP has no stop reason for a limit (`end_turn`, `max_tokens`, `max_turn_requests`,
    // `refusal`, `cancelled`): an agent says it in the error its prompt fails with (an adapter
    // relaying its CLI's result: `Claude AI usage limit reached|…`, a 429) or on stderr.
    const limited = (error: string) => {
      const limit = limitOfText(error) ?? limitOfText(words.join(' / '));
      return limit === null ? { error } : { error, limit };
    };
    if (end === null)
      return limited(
        r.clean(
          `${cli} ended before its session did (exit ${(await this.exited).code})${words.length > 0 ? `: ${words.join(' / ')}` : ''}`,
        ),
      );
    if ('failed' in end)
      return limited(
        r.clean(
          `${cli} over ACP: ${end.failed}${words.length > 0 ? ` (it said: ${words.join(' / ')})` : ''}`,
        ),
      );
    if (end.stop !== 'end_turn') return limited(r.clean(`${cli} stopped its turn: ${end.stop}`));
    return { text: trace.lastText, sessionId: this.sessionId };
  }
}
