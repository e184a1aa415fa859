import { z } from 'zod';
import type { DetectedAcpAgent } from '../../schemas/acp-agent.ts';
import type { Agent } from '../../schemas/agent.ts';
import { agentSchema, agentsFileSchema } from '../../schemas/agent.ts';
import type { AgentTestResult } from '../../schemas/agent-test-result.ts';
import type { ToolGrant } from '../../schemas/approval.ts';
import { rangeEdgeSchema, skillSchema } from '../../schemas/common.ts';
import type { AllowedSandboxHost, SandboxStatus } from '../../schemas/sandbox.ts';
import { sandboxHostSchema } from '../../schemas/sandbox.ts';
import type { LeaderboardRow } from '../../schemas/skill-record.ts';
import type { AgentLimit } from '../../schemas/usage-limit.ts';
import { byId, idField, none } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export const agentMethods = {
  'agents.list': method(none).returns<Agent[]>(),
  /**
   * The accounts limited now by a usage or rate limit, each with the agents on it (they share an
   * API key secret or a CLI's login): matching passes them over until `limit.until`.
   */
  'agents.limits': method(none).returns<{ limit: AgentLimit; agent_ids: string[] }[]>(),
  /** Imports an agents file (array or `{ agents }`); existing ids are replaced. */
  'agents.import': method(z.strictObject({ agents: z.unknown() })).returns<Agent[]>(),
  /** Adds a new agent; an id already taken is a `conflict` (on the `id` field), never replaced. */
  'agents.create': method(agentSchema).returns<Agent>(),
  /** Saves an agent, replacing the one with its id if there is one. */
  'agents.save': method(agentSchema).returns<Agent>(),
  /**
   * Removes an agent. An agent holding tasks in progress is a `conflict` (details list them):
   * wait for them or cancel them first. Its past attempts stay in run history and statistics.
   */
  'agents.remove': method(byId('agent_id')).returns<{ removed: boolean }>(),
  /**
   * Whether this Baton process can run the OS sandbox its agents' processes run in (their
   * `sandbox`), and if not, what is missing: an agent whose sandbox is `required` is refused here.
   */
  'agents.sandbox': method(none).returns<SandboxStatus>(),
  /**
   * The agents on this machine that speak the Agent Client Protocol (Claude's and Codex's ACP
   * adapters, Gemini CLI, Qwen Code, opencode, Copilot CLI, goose): on the host's PATH, installed
   * globally with npm, or in a workspace's node_modules, each with its path and ACP arguments.
   */
  'agents.detectAcp': method(none).returns<DetectedAcpAgent[]>(),
  /**
   * What the default route of a coding agent without a `protocol` hangs on here
   * (src-shared/coding-route.ts): whether Claude's ACP adapter (`claude-agent-acp`) is installed
   * where an attempt looks for it (the host's PATH, the global npm prefix).
   */
  'agents.routeFacts': method(none).returns<{ claude_acp: boolean }>(),
  /**
   * The hosts people allowed for the agent when its sandbox asked (the network policy `ask`; its
   * attempts outside a workspace), oldest first.
   */
  'agents.allowedHosts': method(byId('agent_id')).returns<AllowedSandboxHost[]>(),
  /** Forgets a host allowed for the agent: later attempts are refused it (and asked again). Audited. */
  'agents.forgetHost': method(z.strictObject({ agent_id: idField, host: sandboxHostSchema })).returns<{
    forgotten: boolean;
  }>(),
  /**
   * The tools a person allowed "always for this agent" on a tool-call approval, oldest first:
   * its calls of them run without asking.
   */
  'agents.toolGrants': method(byId('agent_id')).returns<ToolGrant[]>(),
  /** Forgets a tool allowed for the agent: its later calls of it are asked again. Audited. */
  'agents.forgetToolGrant': method(
    z.strictObject({ agent_id: idField, tool: z.string().min(1).max(500) }),
  ).returns<{ forgotten: boolean }>(),
  /**
   * Who does best at a skill: every agent that worked on a task needing it (since `start`, else
   * ever), best first by best-of wins, then checks passed (docs/agents.md, "Who wins for a
   * skill"). An agent with no such attempt is not listed.
   */
  'agents.leaderboard': method(
    z.strictObject({ skill: skillSchema, start: rangeEdgeSchema('start').optional() }),
  ).returns<LeaderboardRow[]>(),
  /** Tests the connection of every agent with an endpoint now (a connection test). */
  'agents.probe': method(none).returns<{ id: string; reachable: boolean }[]>(),
  /**
   * Runs a command agent's program once with a sample task (`description`, or one saying it is a
   * test) in a scratch folder, as a task would run it (its arguments, environment and secrets,
   * the task context on stdin and in .baton/context.json), under a time limit (its own timeout_s,
   * at most 30 s) and an output cap; answers how it went: exit code, duration, its first lines,
   * its ::result. A program that fails or is missing is an answer (`ok: false`, `error`), not an
   * error; an agent that is not a command agent is `invalid_input`.
   */
  'agents.test': method(
    z.strictObject({
      agent_id: z.string().min(1).max(200),
      description: z.string().min(1).max(2_000).optional(),
    }),
  ).returns<AgentTestResult>(),
};

export type AgentHandlers = HandlersOf<typeof agentMethods>;

// Re-exported so a host can validate a raw agents file with the same schema.
export { agentsFileSchema };
