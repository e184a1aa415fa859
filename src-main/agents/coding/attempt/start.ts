import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import { capNeedsProvider } from '../../../../src-shared/schemas/agent.ts';
import type { CodingContext, ExecutorEvent, TaskContext } from '../../../engine/executor.ts';
import { CANCELLED } from '../../../engine/executor.ts';
import type { CodingCliDefinition } from '../clis/definition.ts';
import type { Meter } from '../metering/meter.ts';
import { startMeter } from '../metering/meter.ts';
import { spendGate, upstreamOf } from '../metering/spend.ts';
import { DEFAULT_PRICES, type PriceTable } from '../streams/prices.ts';
import { firstPrompt, resumePrompt, undoneNote } from './prompt.ts';
import type { Ready } from './ready.ts';
import { dependencyHeads } from './worktree.ts';

/** What both routes of a coding attempt (a CLI's event stream, ACP) start from: the prompt and the money. */
export interface AttemptStart {
  prompt: string;
  /** The prompt of a new session (the task, and why it goes on): `prompt` unless a session is resumed. */
  fresh: string;
  /** The session resumed, or null for a new one. */
  resumeId: string | null;
  /** Most the attempt may spend (USD), or null. */
  cap: number | null;
  prices: PriceTable;
  /** The model server the agent's calls go to, when Baton knows it (and meters them on their way). */
  upstream: string | null;
  /** Baton's metering endpoint between the agent and its model server, when Baton knows the server. */
  meter: Meter | null;
  /**
   * The provider as the agent is given it: with the metering endpoint, the endpoint's URL and the
   * attempt's own token in place of the provider's key (the key never reaches the agent, its
   * files or its branch; the endpoint sends it on); else null.
   */
  provider: { base_url: string; api_key: string } | null;
  spend: ReturnType<typeof spendGate>;
}

/**
 * The prompt (the task's, or what resumes its session), and Baton's metering endpoint in front of
 * the agent's model server when Baton knows where its calls go (its CLI's definition: a wire Baton
 * reads, and its provider or own server; an ACP agent by its own command has none). Either that,
 * or the event the attempt ends with. The caller closes the meter.
 */
export async function startAttempt(
  ctx: TaskContext<CodingAgent>,
  coding: CodingContext,
  r: Ready,
  signal: AbortSignal,
  now: () => number,
  cli: Pick<CodingCliDefinition, 'wire' | 'ownServer'>,
): Promise<{ ok: true; start: AttemptStart } | { ok: false; event: ExecutorEvent }> {
  const { agent } = ctx;
  const resumeId = coding.resume?.session_id ?? null;
  let prompt: string;
  let fresh: string;
  try {
    fresh = firstPrompt(
      ctx,
      coding,
      r.worktree.dir,
      r.from.map((f) => f.task_id),
      await dependencyHeads(coding, ctx, signal),
    );
    // What people undid in the worktree since the last attempt (a revert to a turn) comes first.
    const told = undoneNote(coding.undone ?? []);
    fresh = told + fresh;
    prompt = resumeId ? told + resumePrompt(ctx, coding.resume!) : fresh;
  } catch (err) {
    if (signal.aborted) return { ok: false, event: CANCELLED };
    return {
      ok: false,
      event: error(r.clean(`cannot read what the dependencies changed: ${(err as Error).message}`)),
    };
  }
  const cap = agent.max_cost_usd ?? null;
  // Baton's table with the prices people set (as in effect now), the agent's own over them.
  const table = coding.prices ?? DEFAULT_PRICES;
  const prices = agent.prices ? { ...table, ...agent.prices } : table;
  // Every model call goes through Baton's metering endpoint when Baton knows where the calls go.
  const upstream = cli.wire === null ? null : upstreamOf(cli.ownServer, r.provider, r.env);
  // An agent stored before max_cost_usd needed a known server: no promise that could not be kept.
  if (cap !== null && upstream === null)
    return {
      ok: false,
      event: error(`coding agent "${agent.id}": max_cost_usd ${capNeedsProvider(agent.cli)}`),
    };
  const spend = spendGate(cap, ctx.budgetPassed);
  let meter: Meter | null = null;
  if (upstream !== null) {
    try {
      meter = await startMeter({
        upstream,
        key: r.provider?.api_key ?? null,
        prices,
        model: agent.model ?? null,
        gate: spend.gate,
        now,
      });
    } catch (err) {
      return { ok: false, event: error(`cannot start Baton's metering endpoint: ${(err as Error).message}`) };
    }
    r.secrets.push(meter.token);
  }
  // Without the endpoint (cli `acp`, whose launch writes no config) the agent is given no provider:
  // the key is handed to nothing but the endpoint.
  const provider = r.provider && meter ? { base_url: meter.url, api_key: meter.token } : null;
  return { ok: true, start: { prompt, fresh, resumeId, cap, prices, upstream, meter, spend, provider } };
}

const error = (message: string): ExecutorEvent => ({ type: 'error', message });
