import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnTree } from '../../src-main/processes/process-tree.ts';
import { claude } from '../coding-agents/clis.ts';

/**
 * Runs the real Claude Code CLI (installed by `npm ci --prefix test/coding-agents`) headless,
 * with permissions asked of an MCP tool: no `--dangerously-skip-permissions`, and
 * `--permission-prompt-tool mcp__baton__approve` with only the MCP servers of `mcpServers`.
 */

export interface ClaudeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: string[];
  events: Record<string, unknown>[];
  otherLines: string[];
  stderr: string;
  ms: number;
  timedOut: boolean;
}

export interface ApprovalRunDirs {
  root: string;
  /** The working directory (a plain folder; the Write tool needs no git). */
  repo: string;
  home: string;
  remove(): void;
}

export function makeRunDirs(prefix: string): ApprovalRunDirs {
  const root = mkdtempSync(join(tmpdir(), `baton-${prefix}-`));
  const repo = join(root, 'repo');
  const home = join(root, 'home');
  mkdirSync(repo);
  mkdirSync(home);
  return { root, repo, home, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export async function runClaudeWithApprovals(opts: {
  dirs: ApprovalRunDirs;
  modelUrl: string;
  prompt: string;
  /** The `mcpServers` object of the --mcp-config file. */
  mcpServers: Record<string, unknown>;
  extraEnv?: Record<string, string>;
  extraArgs?: string[];
  timeoutMs?: number;
  /** Called with each stdout line as it arrives (to save a stream, or watch progress). */
  onLine?: (line: string) => void;
}): Promise<ClaudeRun> {
  const { dirs } = opts;
  claude.prepare(dirs, opts.modelUrl);
  const config = join(dirs.home, 'mcp-config.json');
  writeFileSync(config, JSON.stringify({ mcpServers: opts.mcpServers }, null, 2));
  const inv = claude.invocation(dirs, opts.modelUrl, opts.prompt);
  const args = [
    ...inv.args.filter((a) => a !== '--dangerously-skip-permissions'),
    '--permission-prompt-tool',
    'mcp__baton__approve',
    '--mcp-config',
    config,
    '--strict-mcp-config',
    ...(opts.extraArgs ?? []),
  ];
  const started = Date.now();
  const tree = spawnTree(inv.command, args, {
    cwd: dirs.repo,
    env: { ...inv.env, ...opts.extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
    graceMs: 2_000,
  });
  let stdout = '';
  let pending = '';
  let stderr = '';
  tree.child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
    pending += c;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) if (line.trim() !== '') opts.onLine?.(line);
  });
  tree.child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    stderr += c;
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void tree.stop();
  }, opts.timeoutMs ?? 120_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    tree.child.on('error', reject);
    tree.child.on('close', (c: number | null, s: NodeJS.Signals | null) => resolve([c, s]));
  });
  clearTimeout(timer);
  await tree.stop(); // whatever claude started (the stdio MCP servers) goes too
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  const events: Record<string, unknown>[] = [];
  const otherLines: string[] = [];
  for (const line of lines) {
    const parsed = parseObject(line);
    if (parsed) events.push(parsed);
    else otherLines.push(line);
  }
  return { code, signal, lines, events, otherLines, stderr, ms: Date.now() - started, timedOut };
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
