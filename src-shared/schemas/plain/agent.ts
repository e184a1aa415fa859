// What the first screens need of an agent, without zod: its schema module (../agent.ts) loads zod.
import type { Agent } from '../agent.ts';

/**
 * Where Baton checks that an agent can be reached (`agents.probe`, "Test connections"): an http
 * agent's URL, an llm agent's models list; null for the rest, which have no endpoint of their own.
 */
export function probeUrl(agent: Agent): string | null {
  // A remote worker's agent is reached from the worker's machine, not from here: its heartbeats say it lives.
  if (agent.worker !== undefined) return null;
  if (agent.kind === 'http') return agent.url;
  if (agent.kind === 'llm') return `${agent.base_url.replace(/\/+$/, '')}/models`;
  return null;
}
