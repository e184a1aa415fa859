import { ANTHROPIC_API } from '../../metering/spend.ts';
import type { CodingCliDefinition } from '../definition.ts';
import { claudeAcp } from './acp.ts';
import { createClaudeStream } from './parser.ts';
import { claudeLaunch } from './stream.ts';

/**
 * Claude Code: on its stream `claude -p … --output-format stream-json` (stream.ts, parser.ts),
 * over ACP through Zed's adapter (acp.ts). Its calls always pass Baton's metering endpoint, on
 * the person's own login too (to its own server); it also holds a cap of its own
 * (`--max-budget-usd`); a follow-up message reaches it on an open `--input-format stream-json` stdin.
 */
export const claude: CodingCliDefinition<'claude'> = {
  cli: 'claude',
  wire: 'anthropic',
  ownServer: (env) => env.ANTHROPIC_BASE_URL || ANTHROPIC_API,
  /**
   * Claude Code on the person's own login: its sessions, shell snapshots and login in `~/.claude`;
   * `~/.claude.json` (its user MCP servers, the folders it trusts, and state it does without when
   * it cannot save it: measured, it works) is not among them, so it stays read-only.
   */
  ownLogin: {
    state: ['.claude'],
    config: [
      '.claude/settings.json',
      '.claude/settings.local.json',
      '.claude/CLAUDE.md',
      '.claude/statusline-command.sh',
      '.claude/daemon.json',
      '.claude/commands/',
      '.claude/agents/',
      '.claude/skills/',
      '.claude/hooks/',
      '.claude/plugins/',
      '.claude/output-styles/',
      '.claude/rules/',
      '.claude/remote/',
      '.claude/ide/',
      // A local install of Claude Code itself, and the backups it restores `~/.claude.json` from.
      '.claude/local/',
      '.claude/backups/',
    ],
    // Its calls always go through Baton's metering endpoint: no vendor host of its own.
    hosts: [],
  },
  stream: {
    program: 'claude',
    npmPackage: '@anthropic-ai/claude-code',
    launch: claudeLaunch,
    parser: createClaudeStream,
    fileChangeTools: ['Write', 'Edit', 'MultiEdit', 'NotebookEdit'],
  },
  acp: claudeAcp,
  can: { resume: 'flag', nativeBudget: true, steer: 'stdin', interrupt: 'control' },
};
