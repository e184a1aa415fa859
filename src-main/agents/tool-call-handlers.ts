import type { ToolCallHandlers } from '../../src-shared/contract/domains/tool-calls.ts';
import { AppError } from '../base/errors.ts';
import type { Engine } from '../engine/engine.ts';
import type { CodingStore } from './coding/index.ts';
import { cliWritePreview } from './coding/index.ts';
import { sameInput } from './coding/routes/acp/permission.ts';
import { diffPreview } from './shared/diff-preview.ts';
import { writePreview } from './shared/write-preview.ts';

/** What the tool calls' contract handlers are built from (the app's context has all of it). */
export interface ToolCallHandlersContext {
  /** The store with the coding wing's tables (a coding CLI's worktree is its task's session's). */
  store: CodingStore;
  /** Where an attempt of an llm agent works: the folder its write tools write in. */
  engine: Pick<Engine, 'attemptWorkspace'>;
}

/**
 * The inbox's preview of what a tool call that writes a file would change (asking:
 * `src-main/app/inbox.ts`): an llm agent's write tool in its attempt's folder, or a coding CLI's
 * own write tool in its task's worktree, or the diff an ACP agent's edit carries.
 */
export function toolCallHandlers({ engine, store }: ToolCallHandlersContext): ToolCallHandlers {
  return {
    'toolCalls.preview': async ({ approval_id, input }) => {
      const call = store.toolCalls.get(approval_id);
      if (!call) throw new AppError('not_found', `tool call approval "${approval_id}" not found`);
      const agent = call.agent_id ? store.agents.get(call.agent_id) : undefined;
      // A remote worker's agent writes on that worker's machine: this one cannot show the file.
      if (agent?.worker !== undefined) return { preview: null };
      const sources = agent?.kind === 'llm' ? (agent.tools ?? []) : [];
      const asked = input ?? call.edited_input ?? call.input;
      if (typeof asked !== 'object' || asked === null || Array.isArray(asked)) return { preview: null };
      const args = asked as Record<string, unknown>;
      // An ACP agent's edit says what it changes (its diff content): shown as it said it, while
      // the arguments are the agent's own.
      if (call.diff && (input === undefined || sameInput(input, call.input)))
        return { preview: diffPreview(call.diff, store.sessions.get(call.run_id, call.task_id)?.dir) };
      // A coding CLI's own tool (Claude Code's Write or Edit): inside the task's worktree.
      if (call.server === null) {
        const worktree = store.sessions.get(call.run_id, call.task_id)?.dir;
        return {
          preview: worktree ? await cliWritePreview({ tool: call.tool, input: args }, worktree) : null,
        };
      }
      // The task's current attempt: a later one resuming the loop works in its own folder.
      const attempt = store.runs.task(call.run_id, call.task_id)?.attempt ?? call.attempt;
      const workspace = engine.attemptWorkspace(call.run_id, call.task_id, attempt);
      const preview = await writePreview(
        { tool: call.tool, server: call.server, input: args },
        sources,
        workspace,
      );
      return { preview };
    },
  };
}
