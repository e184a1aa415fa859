import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/**
 * Libraries only some runs use: the OS sandbox's (its proxies, node-forge), the three forges'
 * clients (landing, issue triggers) and the Agent Client Protocol's SDK (ACP agents); and Baton's
 * own code only some runs use: the coding CLI's attempt (its routes, checks, best of N), an llm
 * agent's executor, the table of coding CLIs (their stream parsers; the Agents screen's detection loads it) and the
 * `baton worker` process. The heap they would take stays for as long as Baton runs: each full GC
 * marks it, and a big run's peak memory carries it.
 */
const ONLY_WHEN_USED = [
  '@anthropic-ai/sandbox-runtime',
  'node-forge',
  '@octokit/',
  '@gitbeaker/',
  'gitea-js',
  '@agentclientprotocol/sdk',
];
const OWN_ONLY_WHEN_USED = [
  'src-main/agents/coding/executor.ts',
  'src-main/agents/coding/clis/index.ts',
  'src-main/workers/remote/worker.ts',
  // An llm agent's executor (its completion, tool loop and tools), loaded at its first task.
  'src-main/agents/llm/llm.ts',
];

describe('an app that runs no sandboxed program, lands nothing and has no coding agent', () => {
  it('loads none of the libraries only those need, its sandbox check answered all the same', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-start-'));
    dirs.push(dir);
    // In a process of its own: this one has loaded whatever other tests needed.
    const script = join(dir, 'start.ts');
    writeFileSync(
      script,
      `import { registerHooks } from 'node:module';
const loaded = new Set();
registerHooks({ load(url, ctx, next) { loaded.add(url); return next(url, ctx); } });
const { createApp } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, 'create-app.ts')).href)});
const { sandboxStatus } = await import(${JSON.stringify(pathToFileURL(join(import.meta.dirname, '..', 'sandbox', 'runtime.ts')).href)});
const app = createApp({ dataDir: ${JSON.stringify(join(dir, 'data'))}, sandboxNotice: () => {} });
const status = await sandboxStatus();
await app.close();
process.stdout.write(JSON.stringify({ status, loaded: [...loaded] }));
`,
    );
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    const { status, loaded } = JSON.parse(r.stdout) as {
      status: { available: boolean; problem: string | null };
      loaded: string[];
    };
    expect(typeof status.available).toBe('boolean');
    expect(loaded.some((u) => u.endsWith('/create-app.ts'))).toBe(true);
    expect(ONLY_WHEN_USED.filter((lib) => loaded.some((u) => u.includes(`/node_modules/${lib}`)))).toEqual(
      [],
    );
    expect(OWN_ONLY_WHEN_USED.filter((file) => loaded.some((u) => u.endsWith(`/${file}`)))).toEqual([]);
  });
});
