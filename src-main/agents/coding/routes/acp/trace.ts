import type {
  SessionUpdate,
  ToolCallContent,
  ToolCallStatus,
  ToolCallUpdate,
} from '@agentclientprotocol/sdk';
import type { Step, StepOf } from '../../../../../src-shared/schemas/step.ts';
import { capInput, capLabel, capText, MAX_ID } from '../../streams/caps.ts';

type ToolStep = StepOf<'tool_call'>;
type MessageStep = StepOf<'message'>;

/** ACP's tool call status as a step's. */
const STATUS: Record<ToolCallStatus, ToolStep['status']> = {
  pending: 'running',
  in_progress: 'running',
  completed: 'done',
  failed: 'failed',
};

/** The tool's own name where the agent gives one (`name`, claude's `_meta.claudeCode.toolName`), else its kind. */
export function toolName(call: Pick<ToolCallUpdate, 'name' | 'kind' | 'title' | '_meta'>): string {
  if (call.name) return call.name;
  const meta = call._meta as { claudeCode?: { toolName?: unknown } } | null | undefined;
  const own = meta?.claudeCode?.toolName;
  if (typeof own === 'string' && own) return own;
  return call.kind ?? 'other';
}

/** A tool call's content as text: its text blocks, its diffs (path, then the new text), its terminals named. */
export function contentText(content: readonly ToolCallContent[] | null | undefined): string | null {
  if (!content || content.length === 0) return null;
  const parts: string[] = [];
  for (const c of content) {
    if (c.type === 'content') {
      if (c.content.type === 'text') parts.push(c.content.text);
    } else if (c.type === 'diff') {
      parts.push(`${c.oldText == null ? 'new file' : 'edit'} ${c.path}:\n${c.newText}`);
    } else if (c.type === 'terminal') parts.push(`[terminal ${c.terminalId}]`);
  }
  return parts.length > 0 ? parts.join('\n') : null;
}

/**
 * The step trace of one ACP session's updates: message and thought chunks joined into one step
 * each until something else comes, the plan as one step (recorded again as it changes), each tool
 * call one step updated in place (same seq) as its status, output and diffs come. Usage is not
 * here: the metering endpoint records each model call, or `route.ts` records the cost the agent
 * reports.
 */
export class AcpTrace {
  private seq: number;
  private readonly now: () => number;
  private readonly calls = new Map<string, { step: ToolStep; startMs: number }>();
  /** Who waits for a call's first update from the agent (`nameSoon`), by call id. */
  private readonly waiting = new Map<string, ((name: string) => void)[]>();
  private open: { step: MessageStep; thought: boolean } | null = null;
  private plan: { seq: number; at: string } | null = null;
  /** Everything the agent said in its last turn, joined: the attempt's final text. */
  lastText = '';
  private turnText: string[] = [];

  /** Whether the agent's own cost reports become usage steps (false: a metering endpoint records each call). */
  private readonly ownUsage: boolean;
  /** The session's cost so far as the agent reported it (USD; `usage_update` gives totals), or null. */
  reportedUsd: number | null = null;

  /** The model the agent config names, for the usage steps of the agent's own reports. */
  private readonly model: string | null;

  constructor(opts: { startSeq: number; now: () => number; ownUsage?: boolean; model?: string | null }) {
    this.model = opts.model ?? null;
    this.seq = opts.startSeq;
    this.now = opts.now;
    this.ownUsage = opts.ownUsage ?? false;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  /** A message Baton adds itself (a prompt it gave), at the next seq. */
  message(role: MessageStep['role'], text: string, by?: string): Step[] {
    const out = this.flush();
    out.push({
      kind: 'message',
      seq: this.seq++,
      at: this.iso(),
      role,
      text: capText(text),
      ...(by === undefined ? {} : { by }),
    });
    return out;
  }

  /** The seq the next step will get: unchanged while nothing was recorded. */
  get nextSeq(): number {
    return this.seq;
  }

  /** The next seq, taken for a step made elsewhere (a metered model call's usage). */
  take(): number {
    return this.seq++;
  }

  /** One `session/update` as the steps it adds or changes. */
  update(u: SessionUpdate): Step[] {
    switch (u.sessionUpdate) {
      case 'agent_message_chunk':
      case 'agent_thought_chunk': {
        if (u.content.type !== 'text') return [];
        const thought = u.sessionUpdate === 'agent_thought_chunk';
        const out = this.open && this.open.thought !== thought ? this.flush() : [];
        if (!this.open)
          this.open = {
            thought,
            step: { kind: 'message', seq: this.seq++, at: this.iso(), role: 'assistant', text: '' },
          };
        this.open.step = { ...this.open.step, text: capText(this.open.step.text + u.content.text) };
        if (!thought) this.turnText.push(u.content.text);
        return out;
      }
      case 'plan': {
        const out = this.flush();
        const mark = { pending: '[ ]', in_progress: '[~]', completed: '[x]' } as const;
        const text = ['Plan:', ...u.entries.map((e) => `${mark[e.status]} ${e.content}`)].join('\n');
        // Recorded again under its first seq and time: the trace shows it where the plan began.
        if (this.plan === null) this.plan = { seq: this.seq++, at: this.iso() };
        out.push({ kind: 'message', ...this.plan, role: 'system', text: capText(text) });
        return out;
      }
      case 'tool_call':
      case 'tool_call_update':
        return [...this.flush(), ...this.tool(u)];
      case 'usage_update': {
        // A total over the session: its growth is this step's cost. Other currencies are not summed.
        // Metered, the total is only kept: it tells whether calls went past the endpoint.
        if (u.cost?.currency !== 'USD') return [];
        const delta = u.cost.amount - (this.reportedUsd ?? 0);
        this.reportedUsd = u.cost.amount;
        if (!this.ownUsage || delta <= 0) return [];
        return [this.usageStep(delta, 'reported')];
      }
      default:
        return [];
    }
  }

  /** A tool call seen (or changed): its step, made or updated. */
  tool(u: ToolCallUpdate, status?: ToolStep['status'], error?: string): Step[] {
    const id = u.toolCallId.slice(0, MAX_ID);
    const known = this.calls.get(id);
    const now = this.now();
    const base: ToolStep = known?.step ?? {
      kind: 'tool_call',
      seq: this.seq++,
      at: this.iso(),
      call_id: id,
      name: capLabel(toolName(u)) ?? 'other',
      server: null,
      input: null,
      status: 'running',
      output: null,
      error: null,
      ended_at: null,
      duration_ms: null,
    };
    const next: ToolStep = { ...base };
    if (u.name || u._meta) next.name = capLabel(toolName({ ...u, kind: u.kind ?? null })) ?? base.name;
    if (u.rawInput !== undefined) next.input = capInput(u.rawInput);
    else if (next.input === null && u.title) next.input = { title: u.title };
    const text = contentText(u.content);
    if (text !== null) next.output = capText(text);
    else if (u.rawOutput !== undefined && u.rawOutput !== null)
      next.output = capText(typeof u.rawOutput === 'string' ? u.rawOutput : JSON.stringify(u.rawOutput));
    const s = status ?? (u.status ? STATUS[u.status] : undefined);
    // A call Baton refused stays denied when the agent later reports it failed.
    if (s && !(base.status === 'denied' && s !== 'denied')) next.status = s;
    if (error !== undefined) next.error = capText(error);
    if (next.status === 'failed' && next.error === null) next.error = next.output ?? 'failed';
    const ended = next.status === 'done' || next.status === 'failed' || next.status === 'denied';
    if (ended && next.ended_at === null) {
      next.ended_at = new Date(now).toISOString();
      next.duration_ms = Math.max(0, now - (known?.startMs ?? now));
    }
    this.calls.set(id, { step: next, startMs: known?.startMs ?? now });
    if (status === undefined) for (const wake of this.waiting.get(id)?.splice(0) ?? []) wake(next.name);
    return [next];
  }

  /** The tool's name as the call's earlier updates gave it (a permission request may name only its kind). */
  nameOf(toolCallId: string): string | null {
    return this.calls.get(toolCallId.slice(0, MAX_ID))?.step.name ?? null;
  }

  /**
   * The tool's name once the agent's own update for the call comes, or null after `ms`. An agent
   * may ask permission for a call before its update that names the tool reaches Baton (Claude's
   * adapter, on a busy machine): the policy and the inbox need the tool's name, not its kind.
   */
  nameSoon(toolCallId: string, ms: number): Promise<string | null> {
    const id = toolCallId.slice(0, MAX_ID);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.waiting.get(id) ?? [];
        const i = list.indexOf(done);
        if (i >= 0) list.splice(i, 1);
        resolve(null);
      }, ms);
      const done = (name: string) => {
        clearTimeout(timer);
        resolve(name);
      };
      const list = this.waiting.get(id) ?? [];
      list.push(done);
      this.waiting.set(id, list);
    });
  }

  /** A usage step of the agent's own report (tokens unknown), or of `unknown` cost. */
  usageStep(cost: number | null, source: 'reported' | 'unknown'): Step {
    return {
      kind: 'usage',
      seq: this.seq++,
      at: this.iso(),
      model: this.model,
      input_tokens: 0,
      output_tokens: 0,
      cached_input_tokens: 0,
      cost_usd: cost,
      cost_source: source,
      duration_ms: null,
    };
  }

  /** The message or thought being joined, as its final step. */
  flush(): Step[] {
    const o = this.open;
    this.open = null;
    if (!o || o.step.text === '') return [];
    return [o.thought ? { ...o.step, text: capText(`(thinking) ${o.step.text}`) } : o.step];
  }

  /** What the agent said so far in this turn (else in its last one): for a person deciding on a call. */
  get saidSoFar(): string {
    return this.turnText.length > 0 ? this.turnText.join('') : this.lastText;
  }

  /** A prompt turn ended: what the agent said in it is the attempt's text so far. */
  endTurn(): Step[] {
    const out = this.flush();
    if (this.turnText.length > 0) this.lastText = this.turnText.join('');
    this.turnText = [];
    return out;
  }

  /** Tool calls still running when the session ended: failed, they never answered. */
  unfinished(why: string): Step[] {
    const out: Step[] = [];
    for (const { step } of this.calls.values())
      if (step.status === 'running' || step.status === 'awaiting_approval')
        out.push(...this.tool({ toolCallId: step.call_id }, 'failed', why));
    return out;
  }
}
