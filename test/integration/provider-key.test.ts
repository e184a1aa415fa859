import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { SECRETS_FILE } from '../../src-main/secrets/file-store.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';

// A provider's key never reaches the coding CLI. A CLI with a provider holds a token made for its
// attempt in the key's place; Baton's metering endpoint takes only that token and sends the key on.
// A fake qwen (a shell script, in the real OS sandbox, run by the real coding executor) dumps its
// whole environment into a file of its worktree, which Baton commits to the task's branch, and
// makes a model call with the key it was given through the endpoint to a scripted server that
// answers only the real key. The call is answered and priced; the key is in no file of the branch,
// its history, the task's CLI home or the data directory (but the secrets file), and not in the
// CLI's environment.

const KEY = 'sk-live-provider-7f3a9c2e41b85d06';
const PRICE = { input_per_mtok: 100, output_per_mtok: 1_000 };

let root: string;
let app: BatonApp;
let dataDir: string;
let repo: ReturnType<typeof makeRepo>;
let server: ModelServer;
let run: RunDetail;
let out: CodingOutput;

/**
 * A qwen that writes its environment to env-dump.txt and copies its HOME (the task's CLI home,
 * with the settings Baton wrote there) into home-copy/, both committed by Baton with the rest of
 * its worktree, and asks the model once with the key it holds.
 */
function fakeQwen(dir: string): string {
  const path = join(dir, 'qwen');
  writeFileSync(
    path,
    `#!/bin/sh
env > env-dump.txt
mkdir home-copy && cp -R "$HOME/." home-copy/
curl -sS -o answer.json -w '%{http_code}' -X POST "$OPENAI_BASE_URL/chat/completions" \\
  -H "authorization: Bearer $OPENAI_API_KEY" -H 'content-type: application/json' \\
  -d '{"model":"'"$OPENAI_MODEL"'","stream":false,"messages":[{"role":"user","content":"Say hi."}]}' > status.txt
echo '{"type":"system","subtype":"init","session_id":"sess-key","model":"m"}'
echo '{"type":"result","subtype":"success","session_id":"sess-key","is_error":false,"result":"Done.","usage":{"input_tokens":10,"output_tokens":5}}'
`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** Every file under `dir` (links not followed), but those `skip` names. */
function filesUnder(dir: string, skip: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (skip(p)) continue;
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) out.push(...filesUnder(p, skip));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'baton-provider-key-'));
  dataDir = join(root, 'data');
  repo = makeRepo({ 'README.md': '# keys\n' });
  server = await startChatServer({
    apiKey: KEY,
    conversations: [
      { name: 'c', match: () => true, turns: [{ text: 'Hi.', usage: { input: 1_000, output: 100 } }] },
    ],
  });
  app = createApp({ dataDir, log: () => {} });
  await call(app, 'secrets.set', { name: 'provider.key', value: KEY });
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  await call(app, 'agents.import', {
    agents: [
      {
        id: 'fake-qwen',
        kind: 'coding',
        cli: 'qwen',
        protocol: 'stream',
        skills: ['code'],
        executable: fakeQwen(root),
        model: 'scripted-key',
        provider: { base_url: `${server.url}/v1`, api_key_secret: 'provider.key' },
        prices: { 'scripted-key': PRICE },
        env: { PATH: `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}` },
      },
    ],
  });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'keys',
      workspace: 'app',
      tasks: [{ task_id: 'dump', description: 'Dump the environment.', required_skills: ['code'] }],
    },
  });
  const id = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'keys' })).run_id;
  await app.engine.whenSettled(id);
  await app.coding.worktreesSettled();
  run = await call<RunDetail>(app, 'runs.get', { run_id: id });
  out = run.tasks[0]!.output as CodingOutput;
}, 120_000);

afterAll(async () => {
  await app?.close();
  await server?.close();
  repo?.cleanup();
  if (root) rmSync(root, { recursive: true, force: true });
});

const show = (rev: string) => execFileSync('git', ['show', rev], { cwd: repo.repo, encoding: 'utf8' });

it('the model call goes through the metering endpoint and reaches the server with the real key', async () => {
  const t = run.tasks[0]!;
  expect(t.error).toBeNull();
  expect(t.status).toBe('done');
  expect(server.requests.map((r) => r.answer)).toEqual(['turn']);
  expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  expect(show(`${out.branch}:status.txt`)).toBe('200');
  const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: run.id, task_id: 'dump' });
  const usage = steps.filter((s) => s.kind === 'usage');
  expect(usage).toMatchObject([{ cost_source: 'priced', cost_usd: 0.2 }]);
  expect(t.cost).toBeCloseTo(0.2, 9);
});

it("the CLI's environment holds the attempt's token, never the key, and the token is dead once the attempt ended", async () => {
  const env = show(`${out.branch}:env-dump.txt`);
  const line = env.split('\n').find((l) => l.startsWith('OPENAI_API_KEY='));
  expect(line).toBeDefined();
  const token = line!.slice('OPENAI_API_KEY='.length);
  expect(token).not.toBe(KEY);
  expect(token.length).toBeGreaterThanOrEqual(20);
  expect(env).not.toContain(KEY);
  // The endpoint the CLI was given is closed with its attempt.
  const base = env
    .split('\n')
    .find((l) => l.startsWith('OPENAI_BASE_URL='))!
    .slice('OPENAI_BASE_URL='.length);
  await expect(
    fetch(`${base}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${token}` } }),
  ).rejects.toThrow();
});

it("the key is in no commit of the task's branch, no file of its CLI home, nothing in Baton's data directory but the secrets file", () => {
  const history = execFileSync('git', ['log', '-p', '--all', '--format=%H %s'], {
    cwd: repo.repo,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(history).toContain('env-dump.txt');
  expect(history).toContain('home-copy/.qwen/settings.json');
  expect(history).not.toContain(KEY);
  const kept = filesUnder(dataDir, (p) => p === join(dataDir, SECRETS_FILE));
  expect(kept.length).toBeGreaterThan(0);
  const holding = kept.filter((p) => readFileSync(p).includes(KEY));
  expect(holding).toEqual([]);
});
