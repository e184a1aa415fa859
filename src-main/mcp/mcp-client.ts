import type { BatonClient } from '../../src-shared/contract/client.ts';
import { ContractError } from '../../src-shared/contract/errors.ts';
import type { MethodInput, MethodName, MethodOutput } from '../../src-shared/contract/index.ts';

/**
 * The contract methods Baton's MCP tools may call, and no other: plans and runs read, a run
 * started, a task added past the decider's guardrails, memory read, searched and written, and
 * the pull API read (the next task, a task's context). Nothing here decides an approval
 * (only people do), touches secrets, changes what an agent is (registering one could make any
 * command an agent), or takes, reports on or completes a task: that would act as the agent that
 * holds it, or as the person whose task it is.
 */
export const MCP_METHODS = [
  'plans.list',
  'plans.get',
  'runs.list',
  'runs.get',
  'runs.start',
  'runs.addTask',
  'memory.read',
  'memory.search',
  'memory.write',
  'work.selectNext',
  'work.context',
  // Asking a person about a tool call, waiting, and saying the asker stopped waiting (the approve
  // tool); deciding stays out of reach.
  'inbox.ask',
  'inbox.wait',
  'inbox.expire',
] as const satisfies readonly MethodName[];

export type McpMethod = (typeof MCP_METHODS)[number];

/** What no MCP tool reaches: the compiler refuses MCP_METHODS holding one of these. */
type Unreachable =
  | `approvals.${string}`
  | `secrets.${string}`
  | `agents.${string}`
  | `projects.${string}`
  | 'work.execute'
  | 'work.progress'
  | 'work.complete'
  | 'work.reassign'
  | 'work.giveBack';
const unreachable: [Extract<McpMethod, Unreachable>] extends [never] ? true : never = true;
void unreachable;

/**
 * What a server that speaks for one task attempt reaches (its `approve`): asking a person about
 * that attempt's tool call, waiting for the answer, saying it stopped waiting.
 */
export const ATTEMPT_METHODS = [
  'inbox.ask',
  'inbox.wait',
  'inbox.expire',
] as const satisfies readonly McpMethod[];

/** The typed client of the MCP tools: only MCP_METHODS, at compile time and at run time. */
export interface McpClient {
  invoke<K extends McpMethod>(method: K, input: MethodInput<K>): Promise<MethodOutput<K>>;
}

/** Narrows a contract client (in this process, or a Baton host's over HTTP) to MCP_METHODS. */
export function mcpClient(client: BatonClient): McpClient {
  return narrowed(client, MCP_METHODS, 'over MCP');
}

/** The client of a server that speaks for one task attempt: ATTEMPT_METHODS only. */
export function attemptClient(client: McpClient): McpClient {
  return narrowed(client, ATTEMPT_METHODS, 'for a task attempt');
}

function narrowed(client: McpClient, methods: readonly McpMethod[], where: string): McpClient {
  const allowed = new Set<string>(methods);
  return {
    invoke(method, input) {
      // The type already forbids others; this holds for callers that get past the types.
      if (!allowed.has(method))
        return Promise.reject(
          new ContractError({ code: 'unknown_method', message: `${method} is not reachable ${where}` }),
        );
      return client.invoke(method, input);
    },
  };
}
