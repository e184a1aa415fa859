import { z } from 'zod';
import type { Agent } from './agent.ts';

/**
 * Usage and rate limits as a scheduling input. When a model or a CLI says its account ran out
 * (HTTP 429 with `retry-after`, a vendor's rate-limit headers or error body, a CLI's usage-limit
 * event), the attempt ends *waiting for quota* instead of failing, and every agent on that
 * account is limited until the reset: matching passes it over, and the task follows its
 * `on_limit`.
 */

/**
 * What a task does when its agent's account hits a usage or rate limit:
 * - `wait` (default): it waits for the reset and goes on with the same agent (a coding CLI
 *   resuming its session where it can);
 * - `fail_over`: it is offered at once to the next qualified agent that is not limited;
 * - `fail`: it fails, saying the limit and its reset.
 */
export const ON_LIMIT_POLICIES = ['wait', 'fail_over', 'fail'] as const;
export type OnLimit = (typeof ON_LIMIT_POLICIES)[number];

export const onLimitSchema = z.enum(ON_LIMIT_POLICIES, {
  error: 'must be "wait" (wait for the reset), "fail_over" (offer it to another agent) or "fail"',
});

/** A task's policy, else its plan's, else `wait`. */
export const onLimitOf = (
  task: { on_limit?: OnLimit | undefined },
  plan: { on_limit?: OnLimit | undefined },
) => task.on_limit ?? plan.on_limit ?? 'wait';

/**
 * The limit signal an executor raises (`UsageLimited`, or an `error` event carrying it): what the
 * vendor said and, when it said so, when the quota comes back. A reset given as a delay
 * (`retry-after: 30`, OpenAI's `6m0s`) is `reset_in_ms`, turned into a time by the engine's clock
 * as the attempt ends; one given as a time (a date, Anthropic's RFC 3339 resets, a CLI's epoch) is `reset_at`.
 */
export interface UsageLimitSignal {
  /** The vendor's words (an error message, a CLI's event text), secrets already redacted. */
  message: string;
  /** When the quota comes back (ISO 8601), when the vendor said a time. */
  reset_at?: string;
  /** In how long the quota comes back, when the vendor said a delay. */
  reset_in_ms?: number;
  /** The window that ran out, in the vendor's terms when known (`requests`, `tokens`, `five_hour`, `weekly`). */
  window?: string;
  /**
   * The account this limit is on when the executor knows better than the agent's configuration
   * (a CLI that reports which login it used); else the agent's (`accountKeyOf`).
   */
  account?: string;
}

/** An account that is limited, as stored (`agent_limits`) and shown on agents. */
export interface AgentLimit {
  /** Whose quota it is (`accountKeyOf`): every agent with this key is limited. */
  account: string;
  /** When the agents on it are available again (ISO 8601). */
  until: string;
  /** Whether the vendor said the reset, or Baton guessed it (`UNKNOWN_RESET_MS`). */
  reset_known: boolean;
  window: string | null;
  /** The vendor's words. */
  message: string;
  /** The agent whose attempt hit it, and when. */
  agent_id: string;
  since: string;
}

/** How long an account stays limited when the vendor did not say when it resets. */
export const UNKNOWN_RESET_MS = 30 * 60_000;
/** The furthest reset believed (a year); a later one (or not a date) waits this long, then tries. */
export const LONGEST_RESET_MS = 366 * 24 * 3600_000;

/**
 * Whose quota an agent spends: agents that share it are limited together. An API key is an
 * account (by its secret's name: `secret:NAME`); a coding CLI without a provider spends its
 * person's own login (`login:<cli>`), unless its environment hands it a key by secret; anything
 * else is its own (`agent:<id>`).
 */
export function accountKeyOf(agent: Agent): string {
  switch (agent.kind) {
    case 'llm':
      return agent.api_key_secret ? `secret:${agent.api_key_secret}` : `agent:${agent.id}`;
    case 'http':
      return agent.auth_secret ? `secret:${agent.auth_secret}` : `agent:${agent.id}`;
    case 'coding': {
      if (agent.provider)
        return agent.provider.api_key_secret
          ? `secret:${agent.provider.api_key_secret}`
          : `agent:${agent.id}`;
      for (const name of KEY_VARIABLES) {
        const v = agent.env[name];
        const secret =
          typeof v === 'object' ? v.secret : v === undefined ? null : /^\{secret:([^}]+)\}$/.exec(v)?.[1];
        if (secret) return `secret:${secret}`;
      }
      return agent.cli === 'acp' ? `agent:${agent.id}` : `login:${agent.cli}`;
    }
    case 'echo':
    case 'command':
    case 'human':
      return `agent:${agent.id}`;
  }
}

/** The environment variables a CLI takes its API key from: a secret there is the account. */
const KEY_VARIABLES = [
  'ANTHROPIC_API_KEY',
  'OPENAI_API_KEY',
  'CODEX_API_KEY',
  'GEMINI_API_KEY',
  'DASHSCOPE_API_KEY',
];

/** The reason a limited agent is no candidate (matching's "why not"), with the vendor's words. */
export function limitedReason(limit: AgentLimit): string {
  return `limited until ${limit.until}${limit.reset_known ? '' : ' (reset not said, or past a year: tried again then)'}: ${limit.message}`;
}
