import type { BatonTool } from '../tool.ts';
import { memoryTools } from './memory.ts';
import { runTools } from './runs.ts';
import { workTools } from './work.ts';

/**
 * Every tool Baton's MCP server offers, in the order a client lists them. None decides an
 * approval: only people do, in Baton. (The `approve` tool Claude Code's permission prompt calls
 * will be one more entry: it asks a person and waits, it does not decide.)
 */
export const BATON_TOOLS: readonly BatonTool[] = [...runTools, ...memoryTools, ...workTools];
