import { execFile } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, sep } from 'node:path';
import type { CodingAgent, CodingCli } from '../../../../src-shared/schemas/agent.ts';
import { CODING_CLIS } from '../../../../src-shared/schemas/agent.ts';
import type { DetectedCli } from '../../../../src-shared/schemas/workspace.ts';
import { userEnv } from '../../../processes/user-env.ts';

/** How long `<cli> --version` may take (a cold start of a Node CLI on a busy machine). */
const VERSION_TIMEOUT_MS = 15_000;

/** What each CLI's program is called on PATH. */
export const CLI_PROGRAMS: Record<CodingCli, string> = {
  claude: 'claude',
  codex: 'codex',
  opencode: 'opencode',
  qwen: 'qwen',
};

/** The first executable file named `name` on `path` (a PATH value), or null. */
export function findOnPath(name: string, path: string | undefined): string | null {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * What is wrong with the program a coding agent names (`executable`), in a few words; null when
 * it is an executable file. A bare name is looked for on `path`, as starting it would.
 */
export function programProblem(executable: string, path: string | undefined): string | null {
  if (!executable.includes('/') && !executable.includes(sep))
    return findOnPath(executable, path) === null ? `"${executable}" is not found on PATH` : null;
  let isFile: boolean;
  try {
    isFile = statSync(executable).isFile();
  } catch {
    return `no file at ${executable} (missing, or a folder on the way is)`;
  }
  if (!isFile) return `${executable} is a folder, not a program`;
  try {
    accessSync(executable, constants.X_OK);
    return null;
  } catch {
    return `${executable} is not executable (its mode lacks x: chmod +x it)`;
  }
}

/** Asks a program its version (`--version`), without a shell; the first line it printed, or why not. */
function versionOf(
  file: string,
  env: NodeJS.ProcessEnv,
): Promise<{ version: string | null; error: string | null }> {
  return new Promise((resolve) => {
    execFile(
      file,
      ['--version'],
      { timeout: VERSION_TIMEOUT_MS, env, maxBuffer: 64 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        const first =
          `${stdout}`
            .split('\n')
            .find((l) => l.trim() !== '')
            ?.trim() ?? null;
        if (err && !first) {
          const why = `${stderr}`.trim().split('\n')[0] || err.message;
          resolve({ version: null, error: `\`${file} --version\` failed: ${why}` });
        } else resolve({ version: first, error: null });
      },
    );
  });
}

/**
 * The coding CLIs on the person's PATH (`userEnv`: without Baton's own folders), each asked its version, with a coding
 * agent to register for it, and the registered coding `agents` of each that name their own
 * program, each with what is wrong with that program (checked, never run). Asking runs the
 * program: only programs of those names on PATH are.
 */
export async function detectClis(
  env: NodeJS.ProcessEnv = userEnv(),
  agents: readonly CodingAgent[] = [],
): Promise<DetectedCli[]> {
  // The CLIs' own environment for `--version`: no Baton secrets, no token.
  const clean: NodeJS.ProcessEnv = {
    PATH: env.PATH,
    HOME: env.HOME,
    LANG: env.LANG,
    TERM: 'dumb',
    NO_COLOR: '1',
  };
  return Promise.all(
    CODING_CLIS.map(async (cli): Promise<DetectedCli> => {
      const path = findOnPath(CLI_PROGRAMS[cli], env.PATH);
      const suggested_agent = { id: `${cli}-coder`, kind: 'coding' as const, cli, skills: ['coding'] };
      const programs = agents.flatMap((a) =>
        a.cli === cli && a.executable !== undefined
          ? [{ agent_id: a.id, executable: a.executable, problem: programProblem(a.executable, env.PATH) }]
          : [],
      );
      if (path === null)
        return { cli, found: false, path: null, version: null, error: null, suggested_agent, programs };
      const { version, error } = await versionOf(path, clean);
      return { cli, found: true, path, version, error, suggested_agent, programs };
    }),
  );
}
