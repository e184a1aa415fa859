import type { CodingExecutorOptions } from '../../agents/coding/index.ts';
import { createCodingExecutor } from '../../agents/coding/index.ts';
import type { ExecutorRegistry } from '../executor.ts';
import type { CommandExecutorOptions } from './command/command.ts';
import { createCommandExecutor } from './command/command.ts';
import { echoExecutor } from './echo/echo.ts';
import type { HttpExecutorOptions } from './http/http.ts';
import { createHttpExecutor } from './http/http.ts';
import type { LlmExecutorOptions } from './llm/llm.ts';
import { createLlmExecutor } from './llm/llm.ts';

export type ExecutorDeps = CommandExecutorOptions &
  HttpExecutorOptions &
  LlmExecutorOptions &
  CodingExecutorOptions;

/**
 * One executor per kind that runs without a person. `human` agents have none: the engine
 * handles them itself (an approval), so it narrows `agent.kind` (see `isExecutingKind`)
 * before looking up `executors[agent.kind]`.
 */
export function createExecutors(deps: ExecutorDeps = {}): ExecutorRegistry {
  return {
    echo: echoExecutor,
    // Neither the line protocol nor an HTTP agent's reply carries usage: their attempts cost
    // their estimate (or the agent's cost per task) and nothing more.
    command: { ...createCommandExecutor(deps), reportsUsage: false },
    http: { ...createHttpExecutor(deps), reportsUsage: false },
    llm: createLlmExecutor(deps),
    coding: createCodingExecutor(deps),
  };
}
