import type { BatonTool } from '../tool.ts';
import { approveTool } from './approve.ts';
import { memoryTools } from './memory.ts';
import { runTools } from './runs.ts';
import { workTools } from './work.ts';

/**
 * Every tool Baton's MCP server offers, in the order a client lists them. None decides an
 * approval (only people do, in Baton), and none takes or completes a task (its holder does).
 * `approve` (Claude Code's permission prompt) asks a person and waits; it decides nothing, and
 * it is all a server for one task attempt offers.
 */
export const BATON_TOOLS: readonly BatonTool[] = [...runTools, ...memoryTools, ...workTools, approveTool];
