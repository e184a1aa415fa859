import { execFile } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { AcpAgentSource, DetectedAcpAgent } from '../../../../src-shared/schemas/acp-agent.ts';
import { userEnv } from '../../../processes/user-env.ts';
import { findOnPath } from './detect.ts';

export type { AcpAgentSource, DetectedAcpAgent };

/**
 * An agent known to speak the Agent Client Protocol: how it is started in ACP mode and where it
 * comes from. `launch` names Baton's launch for it (`launches/`), which knows how to point it at a
 * provider; null: no launch yet, it runs as a custom ACP command (`program` + `args`).
 */
export interface KnownAcpAgent {
  name: string;
  /** What the agent is called on screen. */
  title: string;
  program: string;
  /** The arguments that start it in ACP mode over stdio. */
  args: readonly string[];
  npmPackage: string | null;
  launch: string | null;
}

/** The ACP agents Baton knows by name, each documented by its makers as an ACP agent over stdio. */
export const KNOWN_ACP_AGENTS: readonly KnownAcpAgent[] = [
  {
    name: 'claude',
    title: "Claude Code (Zed's ACP adapter)",
    program: 'claude-agent-acp',
    args: [],
    npmPackage: '@zed-industries/claude-agent-acp',
    launch: 'claude',
  },
  {
    name: 'codex',
    title: "Codex (Zed's ACP adapter)",
    program: 'codex-acp',
    args: [],
    npmPackage: '@zed-industries/codex-acp',
    launch: 'codex',
  },
  {
    name: 'gemini',
    title: 'Gemini CLI',
    program: 'gemini',
    args: ['--acp'],
    npmPackage: '@google/gemini-cli',
    launch: 'gemini',
  },
  {
    name: 'qwen',
    title: 'Qwen Code',
    program: 'qwen',
    args: ['--acp'],
    npmPackage: '@qwen-code/qwen-code',
    launch: 'qwen',
  },
  {
    name: 'opencode',
    title: 'opencode',
    program: 'opencode',
    args: ['acp'],
    npmPackage: 'opencode-ai',
    launch: 'opencode',
  },
  {
    name: 'copilot',
    title: 'GitHub Copilot CLI',
    program: 'copilot',
    args: ['--acp', '--stdio'],
    npmPackage: '@github/copilot',
    launch: null,
  },
  { name: 'goose', title: 'goose', program: 'goose', args: ['acp'], npmPackage: null, launch: null },
];

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

/** The global npm prefix (`npm prefix -g`), or null when npm is not there or does not answer. */
export function globalNpmPrefix(env: NodeJS.ProcessEnv = userEnv()): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      process.platform === 'win32' ? 'npm.cmd' : 'npm',
      ['prefix', '-g'],
      { timeout: 10_000, env: { PATH: env.PATH, HOME: env.HOME }, windowsHide: true },
      (err, stdout) => {
        const prefix = `${stdout}`.trim();
        resolve(err || prefix === '' ? null : prefix);
      },
    );
  });
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
