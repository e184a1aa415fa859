import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServe } from '../e2e/serve-process.ts';
import { LAZY_PACKAGES, loadedBeforeReady } from '../kit/loaded-modules.ts';

let dataDir: string | null = null;
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = null;
});

describe('baton serve at start', () => {
  it('loads no forge client, agent protocol SDK, sandbox library, telemetry, passkey library, static-file or WebSocket server, nor the code only some requests and tasks use, before it says where it serves', async () => {
    // Its sources, one module each (a current build's bundle is checked in test/e2e/).
    const loaded = await loadedBeforeReady({ BATON_FROM_SOURCE: '1' });
    // What it did load: its own CLI and the store (the hook works).
    expect(loaded.some((u) => u.endsWith('/src-main/cli/cli.ts'))).toBe(true);
    expect(loaded.some((u) => u.includes('/node_modules/better-sqlite3/'))).toBe(true);
    const early = loaded.filter((u) => LAZY_PACKAGES.some((p) => u.includes(`/node_modules/${p}`)));
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

  it('stops as asked (SIGTERM) the moment it says where it serves: closes the host and exits 0, not ended by the signal', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'baton-serve-stop-'));
    // Sent as soon as the line is read: before, the process's handlers were set after its line.
    const { child } = await startServe(dataDir);
    child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('exit', (c, s) => resolve([c, s])),
    );
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  }, 60_000);
});
