import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { CodingRoute, RouteFacts } from '../../../../src-shared/coding-route.ts';
import { codingRoute, routeLine } from '../../../../src-shared/coding-route.ts';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import { findOnPath } from '../../../processes/find-on-path.ts';
import { userEnv } from '../../../processes/user-env.ts';
import { CLAUDE_ACP_PROGRAM } from '../clis/claude/acp.ts';
import { globalNpmPrefix } from '../clis/programs.ts';

/**
 * Where Claude's ACP adapter (`claude-agent-acp`) is on this machine: on the person's PATH (`userEnv`) or in the
 * global npm prefix, as `agents.detectAcp` finds it (a workspace's node_modules is not looked in:
 * a repository does not pick the program Baton starts by default). null: not installed.
 */
export async function findClaudeAcp(env: NodeJS.ProcessEnv = userEnv()): Promise<string | null> {
  const onPath = findOnPath(CLAUDE_ACP_PROGRAM, env.PATH);
  if (onPath) return onPath;
  npmPrefix ??= globalNpmPrefix(env);
  const prefix = await npmPrefix;
  if (!prefix) return null;
  return findOnPath(CLAUDE_ACP_PROGRAM, process.platform === 'win32' ? prefix : join(prefix, 'bin'));
}
let npmPrefix: Promise<string | null> | undefined;

/** `findClaudeAcp` without waiting on a promise: npm asked synchronously (at most 10 s). */
function findClaudeAcpNow(env: NodeJS.ProcessEnv = userEnv()): string | null {
  const onPath = findOnPath(CLAUDE_ACP_PROGRAM, env.PATH);
  if (onPath) return onPath;
  let prefix = '';
  try {
    prefix = execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['prefix', '-g'], {
      timeout: 10_000,
      env: { PATH: env.PATH, HOME: env.HOME },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    }).trim();
  } catch {
    return null;
  }
  if (!prefix) return null;
  return findOnPath(CLAUDE_ACP_PROGRAM, process.platform === 'win32' ? prefix : join(prefix, 'bin'));
}

/** Whether Claude's adapter was found the last time it was looked for (before: on the person's PATH only). */
let lastClaudeAcp: string | null | undefined;

/** What the default route of an attempt needs: whether Claude's adapter is installed, and where. */
export interface AttemptRouteFacts extends RouteFacts {
  claudeAcpPath: string | null;
}

/** The machine's facts for the default route, looked up now. */
export async function routeFacts(env: NodeJS.ProcessEnv = userEnv()): Promise<AttemptRouteFacts> {
  lastClaudeAcp = await findClaudeAcp(env);
  return { claudeAcp: lastClaudeAcp !== null, claudeAcpPath: lastClaudeAcp };
}

/**
 * The route of a stored agent without waiting (the engine's restart, which keeps the asks of an
 * ACP attempt): the facts last looked up; before any were, and only for claude without a
 * protocol, looked up now (the person's PATH, then `npm prefix -g` waited for, once per process).
 */
export function routeNow(agent: CodingAgent): CodingRoute {
  if (agent.protocol || agent.cli !== 'claude') return codingRoute(agent, { claudeAcp: false });
  if (lastClaudeAcp === undefined) lastClaudeAcp = findClaudeAcpNow();
  return codingRoute(agent, { claudeAcp: lastClaudeAcp !== null });
}

export interface RoutedAttempt {
  /** The agent as its route runs it: `protocol` set, and for claude's default ACP route its adapter as the program. */
  agent: CodingAgent;
  route: CodingRoute;
  /** The attempt log's line about the route (src-shared/coding-route.ts `routeLine`). */
  line: string;
}

/**
 * The agent of one attempt on its route: its own `protocol`, else the default for its CLI. Over
 * ACP by default, claude's `executable` (if any) names Claude Code, not the adapter: the adapter
 * found runs, pointed at it through `CLAUDE_CODE_EXECUTABLE`.
 */
export function routeAgent(agent: CodingAgent, facts: AttemptRouteFacts): RoutedAttempt {
  const route = codingRoute(agent, facts);
  let routed: CodingAgent = { ...agent, protocol: route.protocol };
  if (!route.set && route.protocol === 'acp' && agent.cli === 'claude' && facts.claudeAcpPath) {
    const { executable, ...rest } = routed;
    routed = {
      ...rest,
      executable: facts.claudeAcpPath,
      env: executable ? { ...agent.env, CLAUDE_CODE_EXECUTABLE: executable } : agent.env,
    };
  }
  return { agent: routed, route, line: routeLine(agent.cli, route) };
}
