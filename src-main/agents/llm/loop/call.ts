import type { LlmAgent } from '../../../../src-shared/schemas/agent.ts';
import type { Step, StepOf } from '../../../../src-shared/schemas/step.ts';
import type { ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import { sandboxStep } from '../../shared/sandboxed.ts';
import { toolPolicy } from '../tools/policy.ts';
import type { OfferedTool, Toolbox } from '../tools/toolbox.ts';
import type { WireToolCall } from './chat-turn.ts';

type Draft = Step extends infer S ? (S extends Step ? Omit<S, 'seq' | 'at'> : never) : never;

export interface CallContext {
  ctx: TaskContext<LlmAgent>;
  box: Toolbox;
  signal: AbortSignal;
  now: () => number;
  iso: () => string;
  clean: (t: string) => string;
  step: (s: Draft, at?: { seq: number; at: string }) => ExecutorEvent;
}

const policies = new WeakMap<LlmAgent, ReturnType<typeof toolPolicy>>();
const policyOf = (agent: LlmAgent) => {
  const known = policies.get(agent);
  if (known) return known;
  const made = toolPolicy(agent.tool_policy);
  policies.set(agent, made);
  return made;
};

/**
 * One tool call the model asked for, through the agent's policy: refused (`deny`), asked about
 * (`ask`: a `tool_call` approval, waited for; a denial's message goes to the model, an approval
 * may carry the person's arguments), then run. Its step is stored as it moves (waiting, running,
 * done or failed), under one seq. Returns what the model is told. `resumed` is the call's
 * stored step when an earlier attempt left it open.
 */
export async function* runCall(
  cc: CallContext,
  call: WireToolCall,
  agentText: string,
  resumed: StepOf<'tool_call'> | undefined,
): AsyncGenerator<ExecutorEvent, string> {
  const { ctx, box, signal, now, iso, clean, step } = cc;
  const tool = box.byModelName(call.function.name);
  const at = { seq: -1, at: iso() };
  let first = true;
  const record = (
    s: Omit<StepOf<'tool_call'>, 'seq' | 'at' | 'kind' | 'call_id' | 'name' | 'server'>,
  ): ExecutorEvent => {
    const ev = step(
      {
        kind: 'tool_call',
        call_id: call.id,
        name: tool?.name ?? call.function.name,
        server: tool?.source ?? null,
        ...s,
      },
      first ? undefined : at,
    );
    if (first && ev.type === 'step') {
      at.seq = ev.step.seq;
      at.at = ev.step.at;
      first = false;
    }
    return ev;
  };
  const ended = (
    input: unknown,
    status: 'done' | 'failed' | 'denied',
    text: string,
    started: number | null,
  ) => {
    const ok = status === 'done';
    return record({
      input,
      status,
      output: ok ? text : null,
      error: ok ? null : text,
      ended_at: iso(),
      duration_ms: started === null ? null : now() - started,
    });
  };
  const open = (input: unknown, status: 'running' | 'awaiting_approval') =>
    record({ input, status, output: null, error: null, ended_at: null, duration_ms: null });

  if (!tool) {
    const text = `there is no tool named "${call.function.name}"`;
    yield ended(call.function.arguments, 'failed', text, null);
    return `Error: ${text}`;
  }
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = call.function.arguments.trim() === '' ? {} : JSON.parse(call.function.arguments);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new Error('not a JSON object');
    args = parsed as Record<string, unknown>;
  } catch (err) {
    const text = `the arguments are not a JSON object (${(err as Error).message}): ${call.function.arguments.slice(0, 200)}`;
    yield ended(call.function.arguments, 'failed', text, null);
    return `Error: ${text}`;
  }
  if (resumed?.status === 'running' && !tool.idempotent) {
    const text =
      'interrupted: Baton stopped while this call ran, so it may or may not have taken effect; it was not run again because the tool is not marked idempotent. Check before calling it again.';
    yield ended(args, 'failed', text, null);
    return `Error: ${text}`;
  }

  const decision = policyOf(ctx.agent)(tool);
  if (decision.policy === 'deny') {
    const text = `Denied: the agent's tool policy refuses ${tool.source}/${tool.name} (${decision.why}).`;
    yield ended(args, 'denied', text, null);
    return text;
  }
  let input = args;
  let note = '';
  if (decision.policy === 'ask') {
    if (!ctx.askToolCall) {
      const text = 'Denied: this tool needs a person to approve it, and no one can be asked here.';
      yield ended(args, 'denied', text, null);
      return text;
    }
    yield open(args, 'awaiting_approval');
    const verdict = await ctx.askToolCall(
      {
        call_id: call.id,
        tool: tool.name,
        server: tool.source,
        input: args,
        agent_text: agentText,
        reason: `${ctx.agent.name ?? ctx.agent.id} wants to call ${tool.source}/${tool.name}`,
        input_schema: tool.input_schema,
      },
      signal,
    );
    if (!verdict.approve) {
      yield ended(args, 'denied', verdict.message, null);
      return verdict.message;
    }
    if (verdict.input) {
      input = verdict.input;
      note = `[approved by ${verdict.actor} with edited arguments: ${JSON.stringify(input)}]\n`;
    }
  }
  return yield* run(tool, input);

  async function* run(
    t: OfferedTool,
    runInput: Record<string, unknown>,
  ): AsyncGenerator<ExecutorEvent, string> {
    const started = now();
    yield open(args, 'running');
    const outcome = await box.call(t, runInput, signal);
    const text = clean(note + outcome.text);
    yield ended(args, outcome.ok ? 'done' : 'failed', text, started);
    // What the sandbox refused the tools' processes meanwhile: a step each, after the call's.
    for (const r of box.takeRefusals()) yield step(sandboxStep(r.blocked, r.process));
    return outcome.ok ? text : `Error: ${text}`;
  }
}
