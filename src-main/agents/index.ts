// The agents wing's face: what the rest of src-main takes from it. Inside the wing, files import
// each other directly; outside it, only this file is imported.

export { DEFAULT_RESOURCES } from './command/command.ts';
export { testCommandAgent } from './command/test-run.ts';
export { createDecide } from './decider/decide.ts';
export type { AgentCallbacks } from './http/http-callbacks.ts';
export { CALLBACK_PATH, createAgentCallbacks } from './http/http-callbacks.ts';
export type { AttemptLog } from './http/http-cancel.ts';
export { callbackMessageSchema } from './http/http-reply.ts';
export { scopeHandlers } from './planner/at-first-call.ts';
export type { PlannerHandlersContext } from './planner/handlers.ts';
export type { AgentDeps, AgentKinds } from './registry.ts';
export { AGENT_KIND_DEFINITIONS, createAgentKinds, createExecutors, KIND_TRAITS } from './registry.ts';
export { MAX_JSON_BYTES } from './shared/http-request.ts';
export type { ToolCallHandlersContext } from './tool-call-handlers.ts';
export { toolCallHandlers } from './tool-calls-at-first-call.ts';
