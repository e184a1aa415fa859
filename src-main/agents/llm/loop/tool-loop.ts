import type { LlmAgent } from '../../../../src-shared/schemas/agent.ts';
import type { Step, StepOf } from '../../../../src-shared/schemas/step.ts';
import { markerOf } from '../../../engine/attempt-leftovers.ts';
import type { ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import { CANCELLED, usageLimited } from '../../../engine/executor.ts';
import { redact } from '../../../secrets/secrets.ts';
import type { Fetch } from '../../shared/http-request.ts';
import { requestSecret } from '../../shared/http-request.ts';
import type { RetryOptions } from '../../shared/retry.ts';
import { retryPolicy } from '../../shared/retry.ts';
import type { SandboxDeps } from '../../shared/sandboxed.ts';
import { attemptSandbox } from '../../shared/sandboxed.ts';
import { buildChatMessages } from '../llm-prompt.ts';
import { Refusals } from '../tools/refusals.ts';
import { modelNameOf, openToolbox } from '../tools/toolbox.ts';
import { runCall } from './call.ts';
import type { LoopMessage, TurnUsage, WireToolCall } from './chat-turn.ts';
import { chatTurn } from './chat-turn.ts';
import { Heard } from './heard.ts';
import { loopHistory } from './history.ts';
import { checkOutput } from './output-check.ts';

const DEFAULT_MAX_STEPS = 20;
const DEFAULT_TIMEOUT_S = 300;
/** How often an answer that does not meet the task's output_schema is asked for again. */
const SCHEMA_RETRIES = 1;

export interface ToolLoopOptions extends RetryOptions, SandboxDeps {
  fetch?: Fetch;
  now?: () => number;
  /** Sent to MCP servers as the client's version. */
  version?: string;
}

/** A step as the loop makes it, before its seq and time are set. */
type Draft = Step extends infer S ? (S extends Step ? Omit<S, 'seq' | 'at'> : never) : never;

/**
 * The tool loop of an `llm` agent with tools. The model (OpenAI-compatible chat
 * completions with `tools`, streamed) asks for tools; each call goes through the agent's policy
 * (allow, ask a person — the approval inbox —, deny) and runs; its answer goes back to the
 * model; up to `max_steps` model turns. The final answer is the output, checked against the
 * task's `output_schema` (asked for with `response_format`; a mismatch is asked again once).
 *
 * Durable: every step (a model turn's usage and cost, its text, each tool call as it asks,
 * runs and ends) is an executor `step` event, stored before the loop goes on (`Attempts`). A
 * later attempt of the task (after a restart, a timeout) goes on from the stored steps: calls
 * that completed are never run again; a call waiting for a person waits on the same approval;
 * a call that was running when Baton stopped is run again only if its tool is idempotent (the
 * server's `idempotentHint`, or the agent's `idempotent` list) — otherwise the model is told it
 * was interrupted and may or may not have taken effect.
 *
 * Money: each turn's usage is priced from the agent's `prices` as it arrives; the loop stops
 * once the agent's `max_cost_usd` is spent, or the plan's or project's budget is used up
 * (`TaskContext.budgetPassed`: other attempts' spending counts too).
 */
export async function* runToolLoop(
  ctx: TaskContext<LlmAgent>,
  signal: AbortSignal,
  opts: ToolLoopOptions = {},
): AsyncGenerator<ExecutorEvent> {
  const { agent } = ctx;
  const now = opts.now ?? Date.now;
  const apiKey = requestSecret(ctx.secrets, agent.api_key_secret);
  if (!apiKey.ok) return yield { type: 'error', message: apiKey.error };
  const policy = attemptSandbox(agent.sandbox, ctx);
  if (!policy.ok) return yield { type: 'error', message: policy.error };
  const opened = await openToolbox(agent.tools ?? [], {
    workspace: ctx.workspace,
    secrets: ctx.secrets,
    version: opts.version ?? '0',
    marker: markerOf(ctx),
    sandbox: {
      policy: policy.policy,
      hide: opts.hiddenFolders?.() ?? [],
      owner: `agent "${agent.id}"`,
      refusals: new Refusals(),
      askHost: ctx.sandboxHosts?.ask,
    },
  });
  if (!opened.ok) return yield { type: 'error', message: opened.error };
  const box = opened.toolbox;
  const secrets = [...(apiKey.value === undefined ? [] : [apiKey.value]), ...box.secrets];
  const clean = (t: string) => redact(t, secrets);

  let seq = 0;
  const iso = () => new Date(now()).toISOString();
  const step = (s: Draft, at?: { seq: number; at: string }): ExecutorEvent => ({
    type: 'step',
    step: { ...s, ...(at ?? { seq: seq++, at: iso() }) } as Step,
  });
  const fail = function* (message: string): Generator<ExecutorEvent> {
    yield step({ kind: 'result', text: clean(message), is_error: true });
    yield { type: 'error', message: clean(message) };
  };

  const heard = new Heard(ctx.listen);
  try {
    const history = loopHistory(ctx.earlier_steps ?? []);
    const prompt = buildChatMessages(ctx);
    const messages: LoopMessage[] = [...prompt];
    const usedIds = new Set<string>();
    let modelTurns = history.modelTurns;
    let spent = history.spent;
    let agentText = history.turns
      .map((t) => t.text)
      .filter(Boolean)
      .join('\n');
    const pending: { call: WireToolCall; resumed?: StepOf<'tool_call'> }[] = [];
    /** People's words of an earlier attempt that go after calls still to answer (already recorded). */
    const saidLater: string[] = [];

    if (history.turns.length > 0) {
      const done = history.turns.reduce(
        (n, t) =>
          n +
          t.calls.filter((c) => c.step.status !== 'running' && c.step.status !== 'awaiting_approval').length,
        0,
      );
      yield step({
        kind: 'message',
        role: 'system',
        text: `going on from attempt ${history.attempts.join(', ')}: ${modelTurns} model turns and ${done} tool calls done are not repeated`,
      });
    } else {
      yield step({ kind: 'message', role: 'user', text: prompt.map((m) => m.content).join('\n\n') });
    }
    for (const [i, turn] of history.turns.entries()) {
      const wire = turn.calls.map((c) => ({
        id: c.call_id,
        type: 'function' as const,
        function: {
          name: modelNameOf(c.step.server ?? '', c.step.name),
          arguments: JSON.stringify(c.step.input ?? {}),
        },
      }));
      messages.push({
        role: 'assistant',
        content: turn.text || null,
        ...(wire.length ? { tool_calls: wire } : {}),
      });
      for (const [j, c] of turn.calls.entries()) {
        usedIds.add(c.call_id);
        const answered = answerOf(c.step);
        if (answered !== null) messages.push({ role: 'tool', tool_call_id: c.call_id, content: answered });
        else if (i === history.turns.length - 1) pending.push({ call: wire[j]!, resumed: c.step });
      }
      if (pending.length > 0) saidLater.push(...turn.said);
      else for (const text of turn.said) messages.push({ role: 'user', content: text });
    }

    const maxSteps = agent.max_steps ?? DEFAULT_MAX_STEPS;
    const url = `${agent.base_url.replace(/\/+$/, '')}/chat/completions`;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'text/event-stream, application/json',
      ...(apiKey.value === undefined ? {} : { authorization: `Bearer ${apiKey.value}` }),
    };
    const policy = retryPolicy(agent.max_retries, opts);
    const tools = box.tools.map((t) => ({
      type: 'function',
      function: {
        name: t.model_name,
        description: t.description.slice(0, 1_024),
        parameters: t.input_schema,
      },
    }));
    const schema = ctx.task.output_schema;
    let responseFormat = schema !== undefined;
    let schemaRetries = SCHEMA_RETRIES;
    const limits = spendLimits(agent, ctx.budgetPassed, history.spent);
    const callCtx = { ctx, box, signal, now, iso, clean, step };

    for (;;) {
      // Calls the last turn asked for (or a resumed one left open) are answered first.
      for (const { call, resumed } of pending.splice(0)) {
        const answer = yield* runCall(callCtx, call, agentText, resumed);
        messages.push({ role: 'tool', tool_call_id: call.id, content: answer });
      }
      if (signal.aborted) return yield CANCELLED;
      // What people said meanwhile reaches the model in this call, after the calls' answers.
      for (const text of saidLater.splice(0)) messages.push({ role: 'user', content: text });
      for (const m of heard.take()) {
        yield step({ kind: 'message', role: 'user', text: clean(m.text), by: m.by });
        messages.push({ role: 'user', content: m.text });
      }
      const over = limits.passed(spent);
      if (over) return yield* fail(over);
      if (modelTurns >= maxSteps)
        return yield* fail(`stopped after ${maxSteps} model turns (max_steps) without a final answer`);

      const body: Record<string, unknown> = {
        model: agent.model,
        messages,
        ...(tools.length > 0 ? { tools } : {}),
        stream: true,
        stream_options: { include_usage: true },
        ...(agent.temperature === undefined ? {} : { temperature: agent.temperature }),
        ...(agent.max_tokens === undefined ? {} : { max_tokens: agent.max_tokens }),
        ...(responseFormat && schema
          ? {
              response_format: {
                type: 'json_schema',
                json_schema: { name: 'task_output', schema, strict: false },
              },
            }
          : {}),
      };
      const started = now();
      // What the turn costs as its usage arrives (a server may report it on every chunk).
      let turnCost = 0;
      const turn = yield* chatTurn(
        { url, headers, timeoutMs: (agent.timeout_s ?? DEFAULT_TIMEOUT_S) * 1000, body },
        policy,
        signal,
        opts.fetch ?? fetch,
        (u, model) => {
          turnCost = priced(u, model, agent) ?? 0;
          return limits.passed(spent + turnCost) === null;
        },
        opts.engineNow,
      );
      if (signal.aborted) return yield CANCELLED;
      if (!turn.ok) {
        if (responseFormat && turn.status === 400) {
          // A server that does not take response_format: ask without it, and check the answer all the same.
          responseFormat = false;
          yield {
            type: 'log',
            stream: 'info',
            text: `the model server refused response_format (${clean(turn.error)}); asking without it`,
          };
          continue;
        }
        if (turn.limit) {
          // The account ran out: waiting for quota, not failed (the engine waits or fails over).
          yield step({ kind: 'result', text: clean(`the model server: ${turn.error}`), is_error: true });
          return yield usageLimited({ ...turn.limit, message: clean(turn.limit.message) });
        }
        return yield* fail(`the model server: ${turn.error}`);
      }
      const a = turn.answer;
      modelTurns++;
      const cost = a.usage ? priced(a.usage, a.model, agent) : null;
      spent += cost ?? 0;
      turnCost = 0;
      yield step({
        kind: 'usage',
        model: a.model,
        input_tokens: Math.max(0, (a.usage?.prompt_tokens ?? 0) - (a.usage?.cached_tokens ?? 0)),
        output_tokens: a.usage?.completion_tokens ?? 0,
        cached_input_tokens: a.usage?.cached_tokens ?? 0,
        cost_usd: cost,
        // Null is unknown when usage could not be read or priced finite, unpriced when no price is set.
        cost_source:
          cost !== null
            ? 'priced'
            : a.usage_unread || (a.usage && priceOf(a.model, agent))
              ? 'unknown'
              : 'unpriced',
        duration_ms: now() - started,
      });
      // Ids the model gave that are missing or taken are made unique: they key the stored calls.
      const calls = a.calls.map((c, i) => {
        let id = c.id || `call_${modelTurns}_${i}`;
        while (usedIds.has(id)) id = `${id}_${modelTurns}`;
        usedIds.add(id);
        return { ...c, id };
      });
      const text = clean(a.text);
      yield step({ kind: 'message', role: 'assistant', text });
      if (text) agentText = agentText ? `${agentText}\n${text}` : text;
      if (turn.stopped) return yield* fail(limits.passed(spent + turnCost) ?? 'stopped: the budget is spent');
      messages.push({
        role: 'assistant',
        content: a.text || null,
        ...(calls.length ? { tool_calls: calls } : {}),
      });
      if (calls.length > 0) {
        for (const call of calls) pending.push({ call });
        continue;
      }
      // Words that came while the model answered: it is asked again, with them.
      if (heard.waiting) continue;
      // The final answer.
      if (schema) {
        const checked = await checkOutput(a.text, schema);
        if (!checked.ok) {
          if (schemaRetries-- > 0) {
            messages.push({
              role: 'user',
              content: `Your answer does not match the required JSON Schema: ${checked.error}. Answer again with only a JSON value that matches it.`,
            });
            yield step({
              kind: 'message',
              role: 'user',
              text: `answer asked again: it does not match the output_schema (${checked.error})`,
            });
            continue;
          }
          return yield* fail(`the answer does not match the task's output_schema: ${checked.error}`);
        }
        if (heard.waiting) continue; // words came while the answer was checked
        heard.close();
        yield step({ kind: 'result', text, is_error: false });
        return yield { type: 'result', output: checked.value };
      }
      heard.close();
      yield step({ kind: 'result', text, is_error: false });
      return yield { type: 'result', output: { text, model: a.model, finish_reason: a.finish_reason } };
    }
  } catch (err) {
    if (signal.aborted) return yield CANCELLED;
    throw err;
  } finally {
    heard.close();
    await box.close();
  }
}

/** What a stored call told the model, or null when it has no answer yet (running, waiting for a person). */
export function answerOf(s: StepOf<'tool_call'>): string | null {
  switch (s.status) {
    case 'done':
      return s.output ?? '';
    case 'failed':
      return `Error: ${s.error ?? s.output ?? 'the tool failed'}`;
    case 'denied':
      return s.error ?? 'Denied.';
    default:
      return null;
  }
}

/** The agent's price for the model the server named, else for its configured model. */
const priceOf = (model: string, agent: LlmAgent) => agent.prices?.[model] ?? agent.prices?.[agent.model];

/**
 * USD a turn's usage costs by the agent's prices (per 1,000 tokens), or null for a model without
 * a price, or a cost too large to hold (Infinity would stay in every sum it joined).
 */
function priced(u: TurnUsage, model: string, agent: LlmAgent): number | null {
  const price = priceOf(model, agent);
  if (!price) return null;
  const cost =
    (u.prompt_tokens / 1000) * price.prompt_per_1k + (u.completion_tokens / 1000) * price.completion_per_1k;
  const rounded = Math.round(cost * 1e9) / 1e9;
  return Number.isFinite(rounded) ? rounded : null;
}

/**
 * The agent's `max_cost_usd` (over the attempts the loop goes on from) and the plan's and
 * project's budgets (the engine's rule, asked with what this attempt spent: `spent` less what
 * the earlier attempts had, `before`, which were charged already): `passed` says which one
 * spending reached.
 */
function spendLimits(
  agent: LlmAgent,
  budgetPassed: ((spent: number) => string | null) | undefined,
  before: number,
) {
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  return {
    passed(spent: number): string | null {
      if (agent.max_cost_usd !== undefined && spent >= agent.max_cost_usd)
        return `stopped: the agent's max_cost_usd of ${agent.max_cost_usd} is spent (${round(spent)} USD so far)`;
      const budget = budgetPassed?.(Math.max(0, spent - before)) ?? null;
      return budget === null ? null : `stopped: ${budget}`;
    },
  };
}
