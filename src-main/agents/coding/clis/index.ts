import type { AnyCodingCli } from '../../../../src-shared/schemas/agent.ts';
import { claude } from './claude/index.ts';
import { codex } from './codex/index.ts';
import { custom } from './custom/index.ts';
import type { CodingCliDefinition } from './definition.ts';
import { gemini } from './gemini/index.ts';
import { opencode } from './opencode/index.ts';
import { qwen } from './qwen/index.ts';

export type { CodingCliDefinition } from './definition.ts';

/**
 * Every coding CLI Baton drives, by its name: mapped over the names, so the compiler asks for a
 * new CLI's definition. In the order the Agents screen lists the ACP agents it finds.
 */
export const CODING_CLI_DEFINITIONS: { readonly [K in AnyCodingCli]: CodingCliDefinition<K> } = {
  claude,
  codex,
  gemini,
  qwen,
  opencode,
  acp: custom,
};

/** The definition of an agent's `cli`; null for a name this Baton does not know (a stored agent of a newer one). */
export function definitionOf(cli: string): CodingCliDefinition | null {
  return Object.hasOwn(CODING_CLI_DEFINITIONS, cli) ? CODING_CLI_DEFINITIONS[cli as AnyCodingCli] : null;
}
