import type { AnyCodingCli } from '../../../../src-shared/schemas/agent.ts';
import type { DetectedCli } from '../../../../src-shared/schemas/workspace.ts';
import type { AgentDraft } from './agent-form.ts';
import { EMPTY_DRAFT } from './agent-form.ts';

/** Each coding CLI by the name people know it by. */
export const CLI_NAMES: Record<AnyCodingCli, string> = {
  claude: 'Claude Code',
  codex: 'Codex',
  opencode: 'opencode',
  qwen: 'qwen-code',
  gemini: 'Gemini CLI',
  acp: 'ACP agent',
};

/** The form for a coding agent of a detected CLI: its suggested id and skills, and where it was found. */
export function draftForCli(d: DetectedCli): AgentDraft {
  return {
    ...EMPTY_DRAFT,
    kind: 'coding',
    id: d.suggested_agent.id,
    skills: [...d.suggested_agent.skills],
    cli: d.cli,
    executable: d.path ?? '',
  };
}
