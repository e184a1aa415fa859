import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINE_V8_FLAGS } from '../../src-main/cli/v8-flags.ts';

const root = join(import.meta.dirname, '..', '..');
let dataDir: string | null = null;
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
});

/** Every module `baton serve` loads before it prints where it serves (its token line). */
function loadedBeforeReady(dir: string): Promise<string[]> {
  const child = spawn(
    process.execPath,
    [
      ...ENGINE_V8_FLAGS,
      '--import',
      join(root, 'test', 'kit', 'loaded-modules-hook.mjs'),
      join(root, 'src-main', 'cli', 'baton.js'),
      'serve',
      '--port',
      '0',
      '--data-dir',
      dir,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const at = out.search(/^Baton is serving http:\/\/\S+\?token=/m);
      if (at < 0) return;
      child.kill('SIGKILL');
      resolve(
        out
          .slice(0, at)
          .split('\n')
          .flatMap((l) => (l.startsWith('LOADED ') ? [l.slice('LOADED '.length)] : [])),
      );
    });
    child.once('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`baton serve exited (${code}) before it served:\n${err}`));
    });
  });
}

describe('baton serve at start', () => {
  it('loads no forge client, agent protocol SDK, sandbox library, telemetry, passkey library, static-file or WebSocket server, nor the code only some requests and tasks use, before it says where it serves', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'baton-serve-start-'));
    const loaded = await loadedBeforeReady(dataDir);
    // What it did load: its own CLI and the store (the hook works).
    expect(loaded.some((u) => u.endsWith('/src-main/cli/cli.ts'))).toBe(true);
    expect(loaded.some((u) => u.includes('/node_modules/better-sqlite3/'))).toBe(true);
    // Each of these is loaded at its first use (a landing, an ACP agent's attempt, a sandboxed
    // program or the sandbox's check after the start, a trace export, an MCP call, a passkey's
    // ceremony, a terminal), or a turn
    // after the host said where it serves (the page's files, its WebSocket).
    const packages = [
      '@octokit/',
      '@gitbeaker/',
      'gitea-js',
      '@agentclientprotocol/',
      '@anthropic-ai/sandbox-runtime',
      '@opentelemetry/',
      '@modelcontextprotocol/server',
      'serve-static',
      'ws/',
      '@simplewebauthn/',
      '@peculiar/',
      '@lydell/node-pty',
      // A signed webhook's delivery.
      'standardwebhooks',
    ];
    const early = loaded.filter((u) => packages.some((p) => u.includes(`/node_modules/${p}`)));
    expect(early).toEqual([]);
    // Baton's own code a request or a task loads at its first use: an llm agent's executor (its
    // completion, tool loop and tools), the handlers of the workspaces, worktrees, tool calls' and
    // planner's methods, and best of N's pick.
    const own = [
      'src-main/agents/llm/llm.ts',
      'src-main/agents/coding/handlers/workspaces.ts',
      'src-main/agents/coding/worktrees/handlers.ts',
      'src-main/agents/tool-call-handlers.ts',
      'src-main/agents/planner/handlers.ts',
      'src-main/agents/coding/best-of/pick.ts',
    ];
    expect(own.filter((file) => loaded.some((u) => u.endsWith(`/${file}`)))).toEqual([]);
  }, 60_000);
});
