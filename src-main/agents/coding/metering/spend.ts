import type { MeterSpent } from './meter.ts';

/** Claude Code's own server, where its calls go without a provider (or an ANTHROPIC_BASE_URL of the agent's). */
export const ANTHROPIC_API = 'https://api.anthropic.com';

/** `$0.62`, `$0.0031`: enough digits to tell a cap from what passed it. */
export const usd = (n: number): string => `$${n >= 0.01 || n === 0 ? n.toFixed(2) : n.toFixed(4)}`;

/** The error of an attempt stopped at (or found past) its agent's `max_cost_usd`. */
export const budgetExceeded = (spent: number, cap: number): string =>
  `budget exceeded: spent ${usd(spent)} of ${usd(cap)}`;

/**
 * The model server a coding agent's calls go on to through the metering endpoint: its provider,
 * or without one the CLI's own server where Baton knows it (`ownServer`, its definition's: claude's
 * is the agent's ANTHROPIC_BASE_URL, else Anthropic's API). Null: Baton does not know where the
 * CLI's calls go (codex, opencode, qwen-code on the person's own login and config), so they go
 * there directly.
 */
export function upstreamOf(
  ownServer: ((env: Readonly<Record<string, string>>) => string) | null,
  provider: { base_url: string } | null,
  env: Record<string, string>,
): string | null {
  if (provider) return provider.base_url;
  return ownServer?.(env) ?? null;
}

/** Which rule refused a model call: the agent's cap, the plan's (or project's) budget, or a cap that cannot see. */
export type StopKind = 'cap' | 'budget' | 'blind';

/**
 * What the metering endpoint asks before each model call: the agent's `max_cost_usd` (spend so
 * far reached it; or some of it is of unknown cost, so the cap cannot be held), then the plan's
 * and project's budgets (`budgetPassed`, the engine's rule for every agent that thinks in model
 * turns). `stopped` says which refused, once one did.
 */
export function spendGate(cap: number | null, budgetPassed: ((spent: number) => string | null) | undefined) {
  const state: { stopped: StopKind | null } = { stopped: null };
  const gate = (s: MeterSpent): string | null => {
    if (cap !== null) {
      if (s.unknown > 0) {
        state.stopped = 'blind';
        return `max_cost_usd of ${usd(cap)} cannot be held: ${calls(s.unknown)} answered with no usage Baton could read, so what the attempt spent is unknown (${usd(s.usd)} known)`;
      }
      if (s.unpriced > 0) {
        state.stopped = 'blind';
        return `max_cost_usd of ${usd(cap)} cannot be held: no price is known for the model of ${calls(s.unpriced)} (add it to the agent's prices)`;
      }
      if (s.usd >= cap) {
        state.stopped = 'cap';
        return budgetExceeded(s.usd, cap);
      }
    }
    const why = budgetPassed?.(s.usd) ?? null;
    if (why !== null) state.stopped = 'budget';
    return why;
  };
  return { gate, state };
}

const calls = (n: number) => (n === 1 ? '1 model call' : `${n} model calls`);

/**
 * The error of an attempt a refused model call stopped, with the spend as finally counted (calls
 * in flight when it was refused included): the cap's "budget exceeded: spent $X of $Y", the
 * budget's own reason, or why the cap could not be held.
 */
export function stoppedFor(kind: StopKind, reason: string, spent: MeterSpent, cap: number | null): string {
  const unknown = spent.unknown > 0 ? `, and ${calls(spent.unknown)} of unknown cost` : '';
  switch (kind) {
    case 'cap':
      return `${budgetExceeded(spent.usd, cap ?? 0)}${unknown}`;
    case 'budget':
      return `${reason}; this attempt spent ${usd(spent.usd)}${unknown}`;
    case 'blind':
      return reason;
    default:
      return kind satisfies never;
  }
}
