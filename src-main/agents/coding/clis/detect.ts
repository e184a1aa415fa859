import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { AcpAgentSource, DetectedAcpAgent } from '../../../../src-shared/schemas/acp-agent.ts';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import { CODING_CLIS } from '../../../../src-shared/schemas/agent.ts';
import type { DetectedCli } from '../../../../src-shared/schemas/workspace.ts';
import { findOnPath } from '../../../processes/find-on-path.ts';
import { userEnv } from '../../../processes/user-env.ts';
import type { KnownAcpAgent } from './definition.ts';
import { CODING_CLI_DEFINITIONS } from './index.ts';
import { globalNpmPrefix, programProblem } from './programs.ts';

export type { AcpAgentSource, DetectedAcpAgent };

/** How long `<cli> --version` may take (a cold start of a Node CLI on a busy machine). */
const VERSION_TIMEOUT_MS = 15_000;

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
      const { program, npmPackage } = CODING_CLI_DEFINITIONS[cli].stream;
      const path = findOnPath(program, env.PATH);
      const install = `npm install -g ${npmPackage}`;
      const suggested_agent = { id: `${cli}-coder`, kind: 'coding' as const, cli, skills: ['coding'] };
      const programs = agents.flatMap((a) =>
        a.cli === cli && a.executable !== undefined
          ? [{ agent_id: a.id, executable: a.executable, problem: programProblem(a.executable, env.PATH) }]
          : [],
      );
      if (path === null)
        return {
          cli,
          found: false,
          path: null,
          version: null,
          error: null,
          install,
          suggested_agent,
          programs,
        };
      const { version, error } = await versionOf(path, clean);
      return { cli, found: true, path, version, error, install, suggested_agent, programs };
    }),
  );
}

/**
 * The ACP agents Baton knows by name, each documented by its makers as an ACP agent over stdio:
 * those each CLI's ACP launch starts (its definition's `acp.known`), in the table's order.
 */
export const KNOWN_ACP_AGENTS: readonly KnownAcpAgent[] = Object.values(CODING_CLI_DEFINITIONS).flatMap(
  (d) => d.acp.known,
);

/** The places to look: PATH's value, the global npm prefix and project folders (their node_modules). */
export interface AcpSearch {
  path: string | undefined;
  npmPrefix: string | null;
  projectDirs: readonly string[];
}

/**
 * The known ACP agents found in `where`: each program on PATH, then each npm package installed
 * globally or in a project folder with its program in that bin folder. One entry per program file
 * (a program on PATH that is the global npm one is listed once, as `path`, with the package's
 * version). Looks at files only; runs nothing.
 */
export function findAcpAgents(where: AcpSearch, known: readonly KnownAcpAgent[] = KNOWN_ACP_AGENTS) {
  const found: DetectedAcpAgent[] = [];
  const add = (agent: KnownAcpAgent, file: string, source: AcpAgentSource, version: string | null) => {
    const real = realOr(file);
    const same = found.find((f) => realOr(f.path) === real);
    if (same) {
      same.version ??= version;
      return;
    }
    const { name, title, args, launch } = agent;
    found.push({ name, title, path: file, args, launch, source, version });
  };
  for (const agent of known) {
    const onPath = findOnPath(agent.program, where.path);
    if (onPath) add(agent, onPath, 'path', null);
  }
  const roots: { source: AcpAgentSource; modules: string; bin: string }[] = [];
  if (where.npmPrefix) {
    // npm's global layout: <prefix>/lib/node_modules and <prefix>/bin (Windows: both in <prefix>).
    const win = process.platform === 'win32';
    roots.push({
      source: 'npm-global',
      modules: win ? join(where.npmPrefix, 'node_modules') : join(where.npmPrefix, 'lib', 'node_modules'),
      bin: win ? where.npmPrefix : join(where.npmPrefix, 'bin'),
    });
  }
  for (const dir of where.projectDirs)
    roots.push({
      source: 'project',
      modules: join(dir, 'node_modules'),
      bin: join(dir, 'node_modules', '.bin'),
    });
  for (const root of roots)
    for (const agent of known) {
      if (!agent.npmPackage) continue;
      const version = packageVersion(join(root.modules, agent.npmPackage));
      if (version === null) continue;
      const file = findOnPath(agent.program, root.bin);
      if (file) add(agent, file, root.source, version);
    }
  return found;
}

/** The ACP agents on this machine: on PATH, installed globally with npm, or in `projectDirs`' node_modules. */
export async function detectAcpAgents(
  env: NodeJS.ProcessEnv = userEnv(),
  projectDirs: readonly string[] = [],
): Promise<DetectedAcpAgent[]> {
  return findAcpAgents({ path: env.PATH, npmPrefix: await globalNpmPrefix(env), projectDirs });
}

/** The `version` of the package installed in `dir`, or null when none is (or its package.json is unreadable). */
function packageVersion(dir: string): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '';
  } catch {
    return null;
  }
}

function realOr(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return file;
  }
}
