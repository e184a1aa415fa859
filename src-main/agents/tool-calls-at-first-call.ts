import type { ToolCallHandlers } from '../../src-shared/contract/domains/tool-calls.ts';
import { toolCallMethods } from '../../src-shared/contract/domains/tool-calls.ts';
import { handlersAtFirstCall } from '../base/at-first-call.ts';
import type { ToolCallHandlersContext } from './tool-call-handlers.ts';

/** `toolCalls.*` (tool-call-handlers.ts: the previews of a call's writes) as the app holds them: loaded at their first call, not at the app's start. */
export function toolCallHandlers(ctx: ToolCallHandlersContext): ToolCallHandlers {
  return handlersAtFirstCall(toolCallMethods, async () =>
    (await import('./tool-call-handlers.ts')).toolCallHandlers(ctx),
  );
}
