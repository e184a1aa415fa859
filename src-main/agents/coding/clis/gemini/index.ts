import type { CodingCliDefinition } from '../definition.ts';
import { geminiAcp } from './acp.ts';

/**
 * Gemini CLI: over ACP only, `gemini --acp` (acp.ts); a server speaking the Gemini API with a
 * provider. It resumes by `session/load` (offered, but a new process may not find the session).
 */
export const gemini: CodingCliDefinition<'gemini'> = {
  cli: 'gemini',
  wire: 'gemini',
  ownServer: null,
  /** Gemini CLI on the person's own login: its sessions, logs and login in `~/.gemini`, its config read-only. */
  ownLogin: {
    state: ['.gemini'],
    config: [
      '.gemini/settings.json',
      '.gemini/.env',
      '.gemini/GEMINI.md',
      '.gemini/trustedFolders.json',
      '.gemini/mcp-server-enablement.json',
      '.gemini/commands/',
      '.gemini/agents/',
      '.gemini/skills/',
      '.gemini/extensions/',
      '.gemini/policies/',
      '.gemini/hooks/',
      '.gemini/bin/',
    ],
    hosts: ['generativelanguage.googleapis.com', 'oauth2.googleapis.com', 'cloudcode-pa.googleapis.com'],
  },
  stream: null,
  acp: geminiAcp,
  can: { resume: 'load-session', nativeBudget: false, steer: 'next-turn', interrupt: 'session-cancel' },
};
