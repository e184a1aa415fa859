import type { BatonClient } from '../../src-shared/contract/client.ts';
import { ContractError } from '../../src-shared/contract/errors.ts';
import type { MethodInput, MethodName, MethodOutput } from '../../src-shared/contract/index.ts';

/**
 * The contract methods Baton's MCP tools may call, and no other: plans and runs read, a run
 * started, a task added past the decider's guardrails, memory read, searched and written, and
 * seed 004's work API. Nothing here decides an approval (only people do), touches secrets or
 * changes what an agent is (registering one could make any command an agent).
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
  'work.execute',
  'work.progress',
  'work.complete',
  // Asking a person about a tool call, waiting, and saying the asker stopped waiting (the approve
  // tool); deciding stays out of reach.
  'toolCalls.ask',
  'toolCalls.wait',
  'toolCalls.expire',
] as const satisfies readonly MethodName[];

export type McpMethod = (typeof MCP_METHODS)[number];

/** Domains no MCP tool reaches: the compiler refuses MCP_METHODS holding one of their methods. */
type Unreachable = `approvals.${string}` | `secrets.${string}` | `agents.${string}` | `projects.${string}`;
const unreachable: [Extract<McpMethod, Unreachable>] extends [never] ? true : never = true;
void unreachable;

/** The typed client of the MCP tools: only MCP_METHODS, at compile time and at run time. */
export interface McpClient {
  invoke<K extends McpMethod>(method: K, input: MethodInput<K>): Promise<MethodOutput<K>>;
}

/** Narrows a contract client (in this process, or a Baton host's over HTTP) to MCP_METHODS. */
export function mcpClient(client: BatonClient): McpClient {
  const allowed = new Set<string>(MCP_METHODS);
  return {
    invoke(method, input) {
      // The type already forbids others; this holds for callers that get past the types.
      if (!allowed.has(method))
        return Promise.reject(
          new ContractError({ code: 'unknown_method', message: `${method} is not reachable over MCP` }),
        );
      return client.invoke(method, input);
    },
  };
}
