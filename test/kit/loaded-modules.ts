// What `baton serve` loads before it says where it serves (test/integration/serve-start.test.ts
// for its sources, test/e2e/serve-bundle.e2e.test.ts for the build's bundle).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engineEnv } from '../../src-main/base/engine-env.ts';
import { ENGINE_V8_FLAGS } from '../../src-main/cli/v8-flags.ts';

const root = join(import.meta.dirname, '..', '..');

/**
 * Packages `baton serve` loads at their first use (a landing, an ACP agent's attempt, a sandboxed
 * program or the sandbox's check after the start, a trace export, an MCP call, a passkey's
 * ceremony, a terminal, a signed webhook's delivery), or a turn after the host said where it
 * serves (its WebSocket): never before its token line.
 */
export const LAZY_PACKAGES = [
  '@octokit/',
  '@gitbeaker/',
  'gitea-js',
  '@agentclientprotocol/',
  '@anthropic-ai/sandbox-runtime',
  '@opentelemetry/',
  '@modelcontextprotocol/server',
  'ws/',
  '@simplewebauthn/',
  '@peculiar/',
  '@lydell/node-pty',
  'standardwebhooks',
];

/** Every module `baton serve` loads before it prints where it serves (its token line). */
export async function loadedBeforeReady(env: Record<string, string> = {}): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'baton-serve-start-'));
  try {
    return await loadedBy(dir, env);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function loadedBy(dir: string, env: Record<string, string>): Promise<string[]> {
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
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...engineEnv(process.env), ...env } },
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
