import { z } from 'zod';

/**
 * What stays read-only in the folder an agent's program works in (a coding task's worktree), even
 * though the folder is its to write: files and folders that make other programs run something
 * (a shell's start-up files, git's config and hooks, an editor's tasks, MCP servers, Claude
 * Code's commands and agents). This is the sandbox library's own list (`@anthropic-ai/sandbox-runtime`,
 * DANGEROUS_FILES and getDangerousDirectories, pinned by src-main/sandbox/protected.test.ts); the
 * library applies it only under the folder its own process runs in, so Baton hands it over for
 * each program's folder (src-main/sandbox/protected.ts).
 */
export const PROTECTED_FILES = [
  '.gitconfig',
  '.gitmodules',
  '.bashrc',
  '.bash_profile',
  '.zshrc',
  '.zprofile',
  '.profile',
  '.ripgreprc',
  '.mcp.json',
] as const;
export const PROTECTED_FOLDERS = ['.vscode', '.idea', '.claude/commands', '.claude/agents'] as const;

/** The names a workspace may open to its agents on purpose (`allow_protected_writes`): all but git's own. */
export const PROTECTED_NAMES = [...PROTECTED_FILES, ...PROTECTED_FOLDERS] as const;
export type ProtectedName = (typeof PROTECTED_NAMES)[number];

/**
 * A workspace's `allow_protected_writes`: protected names its agents may write on purpose (a task
 * that edits `.vscode/settings.json`). Git's own (`.git`, its hooks and config) is never among them.
 */
export const allowProtectedWritesSchema = z
  .array(
    z
      .string()
      .transform((s) => s.trim().replace(/\/+$/, ''))
      .refine((s): s is ProtectedName => (PROTECTED_NAMES as readonly string[]).includes(s), {
        message: `must be one of the protected paths: ${PROTECTED_NAMES.join(', ')}`,
      }),
  )
  .max(PROTECTED_NAMES.length);

/**
 * The protected name a path of a folder (relative, `/`-separated) is or lies under, at any depth
 * (`web/.vscode/tasks.json` → `.vscode`; `.git/hooks/pre-commit` → `.git`), or null: what the diff
 * review marks, and what `fs/write_text_file` refuses an ACP agent.
 */
export function protectedNameOf(path: string): ProtectedName | '.git' | null {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!.toLowerCase();
    if (part === '.git') return '.git';
    for (const folder of PROTECTED_FOLDERS) {
      const names = folder.split('/');
      if (names.every((n, k) => parts[i + k]?.toLowerCase() === n)) return folder;
    }
  }
  const last = parts.at(-1)?.toLowerCase();
  return PROTECTED_FILES.find((f) => f === last) ?? null;
}
