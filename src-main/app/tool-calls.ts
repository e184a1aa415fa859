import type { ToolCallHandlers } from '../../src-shared/contract/domains/tool-calls.ts';
import type { AppContext } from './context.ts';

/** Tool calls of running attempts asked about and waited on (Claude Code's permission prompt, over MCP). */
export function toolCallHandlers({ engine }: AppContext): ToolCallHandlers {
  return {
    'toolCalls.ask': (q) => engine.askToolCall(q),
    'toolCalls.wait': ({ approval_id, wait_ms }) => engine.waitToolCall(approval_id, wait_ms),
  };
}
