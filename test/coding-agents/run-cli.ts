import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTree } from '../../src-main/processes/process-tree.ts';
import type { AttemptDirs, CliDefinition } from './clis.ts';

/** One finished run of a CLI: its JSON event stream, what else it printed, and how it ended. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout, line by line, as printed. */
  lines: string[];
  /** The lines that are JSON objects. */
  events: Record<string, unknown>[];
  /** Lines that are not JSON (a CLI that mixes text into its stream shows here). */
  otherLines: string[];
  stderr: string;
  sessionId: string | undefined;
  ms: number;
  /** Whether the run was stopped because it passed `timeoutMs`. */
  timedOut: boolean;
}

/** A temp folder holding a git repository with one commit, and a home for the CLI. */
export function makeAttemptDirs(prefix: string): AttemptDirs & { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), `baton-${prefix}-`));
  const repo = join(root, 'repo');
  const home = join(root, 'home');
  mkdirSync(repo);
  mkdirSync(home);
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: repo, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  };
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), '# A sample workspace\n');
  git('add', '.');
  git(
    '-c',
    'user.name=Baton',
    '-c',
    'user.email=baton@example.invalid',
    'commit',
    '-q',
    '-m',
    'Initial commit',
  );
  return { root, repo, home, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Runs a CLI headless in `dirs.repo` with only the environment its definition names (plus
 * `extraEnv`), stdin closed, and waits for it to exit; past `timeoutMs` its whole process group
 * is stopped. The process group is reaped in every case, so nothing outlives the run.
 */
export async function runCli(
  cli: CliDefinition,
  dirs: AttemptDirs,
  modelUrl: string,
  prompt: string,
  opts: { resume?: string; timeoutMs?: number; extraEnv?: Record<string, string>; extraArgs?: string[] } = {},
): Promise<CliRun> {
  const inv = cli.invocation(dirs, modelUrl, prompt, opts.resume);
  const started = Date.now();
  const tree = spawnTree(inv.command, [...inv.args, ...(opts.extraArgs ?? [])], {
    cwd: dirs.repo,
    env: { ...inv.env, ...opts.extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    graceMs: 2_000,
  });
  const child = tree.child;
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void tree.stop();
  }, opts.timeoutMs ?? 120_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, s) => resolve([c, s]));
  });
  clearTimeout(timer);
  const ms = Date.now() - started;
  await tree.stop();
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const events: Record<string, unknown>[] = [];
  const otherLines: string[] = [];
  for (const line of lines) {
    const parsed = tryJson(line);
    if (parsed) events.push(parsed);
    else otherLines.push(line);
  }
  const sessionId = events.map((e) => cli.sessionIdOf(e)).find((id) => id !== undefined);
  return { code, signal, lines, events, otherLines, stderr, sessionId, ms, timedOut };
}

function tryJson(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
