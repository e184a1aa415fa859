import { z } from 'zod';
import { askAndWait } from '../../../src-shared/contract/ask-and-wait.ts';
import { ContractError } from '../../../src-shared/contract/errors.ts';
import type { ToolCallVerdict } from '../../../src-shared/schemas/approval.ts';
import type { BatonTool } from '../tool.ts';
import { defineTool } from '../tool.ts';

/** How long one wait for the decision lasts; progress is sent before each (Claude Code's idle limits, test/mcp/README.md). */
const WAIT_MS = 10_000;
/** How many waits in a row may fail (the host restarting) before the call gives up. */
const MAX_FAILED_WAITS = 30;
/** The pause after a wait that failed. */
const FAILED_WAIT_PAUSE_MS = 2_000;

/**
 * Claude Code's permission prompt (`claude -p --permission-prompt-tool mcp__baton__approve`):
 * each tool call Claude Code would ask a person about becomes an approval of kind `tool_call` in
 * Baton's inbox, for the task attempt this server speaks for (`baton mcp` started with
 * BATON_RUN_ID, BATON_TASK_ID and BATON_ATTEMPT, or `/mcp` reached with an attempt link's token).
 * It waits for a person — progress every 10 s
 * keeps Claude Code's idle limits from ending the call — and answers Claude Code's permission
 * result: `{"behavior":"allow","updatedInput":…}` (the person's edited arguments, if any) or
 * `{"behavior":"deny","message":…}`. It decides nothing itself: only people do.
 */
export const approveTool: BatonTool = {
  ...approve(),
  forAttempt: true,
};

function approve(): BatonTool {
  return defineTool({
    name: 'approve',
    title: "Ask a person to allow a tool call (Claude Code's permission prompt)",
    description:
      "For Claude Code's --permission-prompt-tool: asks a person in Baton's inbox whether this tool call may run, waits for their answer and returns Claude Code's permission result. Decides nothing itself.",
    input: z.looseObject({
      tool_name: z.string().min(1).max(512),
      input: z.record(z.string(), z.unknown()).default({}),
      tool_use_id: z.string().min(1).max(512),
    }),
    hints: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async call(client, args, extra) {
      const at = extra.attempt;
      if (!at)
        throw new ContractError({
          code: 'invalid_input',
          message:
            'approve: this MCP server speaks for no Baton task; start `baton mcp` with BATON_RUN_ID, BATON_TASK_ID and BATON_ATTEMPT, or reach /mcp with an attempt link (the coding executor does)',
        });
      // Claude Code names MCP tools mcp__<server>__<tool>.
      const mcp = /^mcp__([^_]+(?:_[^_]+)*)__(.+)$/.exec(args.tool_name);
      const cancelled = () =>
        new ContractError({ code: 'conflict', message: 'approve: the call was cancelled' });
      // The inbox answers a tool call's verdict to a tool call's question.
      const verdict = (await askAndWait({
        ask: () =>
          client.invoke('inbox.ask', {
            ...at,
            question: {
              kind: 'tool_call',
              call_id: args.tool_use_id,
              tool: mcp ? mcp[2]! : args.tool_name,
              server: mcp ? mcp[1]! : null,
              input: args.input,
              agent_text: '',
            },
          }),
        wait: (approval_id, wait_ms) => client.invoke('inbox.wait', { ...at, approval_id, wait_ms }),
        turnMs: WAIT_MS,
        signal: extra.signal,
        turn: () => extra.progress(`waiting for a person to allow ${args.tool_name} in Baton's inbox`),
        failed: (err, failures, call) => {
          // Asking fails the call; a wait may fail while the host restarts: the approval is stored, so wait on.
          if (call === 'ask' || failures > MAX_FAILED_WAITS) throw err;
          return FAILED_WAIT_PAUSE_MS;
        },
        stopped: async (approval_id) => {
          // Claude Code stopped waiting (its limit on the call, or the run ended): nobody can act
          // on an answer now, so the approval expires rather than wait in the inbox for nothing.
          if (approval_id !== null)
            await client
              .invoke('inbox.expire', {
                ...at,
                approval_id,
                reason: `${args.tool_name}: the CLI stopped waiting for the answer (its call to the approve tool timed out or was cancelled)`,
              })
              .catch(() => {});
          return cancelled();
        },
        dropped: (drop) => new ContractError({ code: 'conflict', message: `approve: ${drop.reason}` }),
      })) as ToolCallVerdict;
      return verdict.approve
        ? { behavior: 'allow', updatedInput: verdict.input ?? args.input }
        : { behavior: 'deny', message: verdict.message };
    },
  });
}
