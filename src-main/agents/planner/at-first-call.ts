import type { ScopeHandlers } from '../../../src-shared/contract/domains/scope.ts';
import { scopeMethods } from '../../../src-shared/contract/domains/scope.ts';
import { handlersAtFirstCall } from '../../base/at-first-call.ts';
import type { PlannerHandlersContext } from './handlers.ts';

/** `scope.draft` (handlers.ts: the rules and the llm planner) as the app holds it: loaded at its first call, not at the app's start. */
export function scopeHandlers(ctx: PlannerHandlersContext): ScopeHandlers {
  return handlersAtFirstCall(scopeMethods, async () => (await import('./handlers.ts')).scopeHandlers(ctx));
}
