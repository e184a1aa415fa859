import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyCodingCli } from '../../../../src-shared/schemas/agent.ts';
import { pathCovers } from '../../../../src-shared/schemas/sandbox.ts';
import type { StoredStep } from '../../../../src-shared/schemas/step.ts';
import { call, setup } from '../../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../../app/create-app.ts';
import { createApp } from '../../../app/create-app.ts';
import type { TempRepo } from '../workspaces/testing/temp-repo.ts';
import { makeRepo } from '../workspaces/testing/temp-repo.ts';

// Each coding CLI on the person's own login (no provider: HOME is theirs, a temporary one here),
// played by a fake that writes what the real CLI's config is made of in that home (its settings
// with hooks, MCP servers, commands, plugins) and its session, through the real executor and
// sandbox: the config stays as it was (nothing made where there was none, no stand-in left behind),
// each refused write is a step of the attempt, and the session is kept. The stream CLIs replay a
// real stream of theirs after; Gemini CLI is an ACP agent.

/** Per CLI, paths under HOME: what it tries to change of its config, and where it keeps a session. */
const TRIES: Record<Exclude<AnyCodingCli, 'acp'>, { config: string[]; session: string }> = {
  claude: {
    config: [
      '.claude/settings.json',
      '.claude.json',
      '.claude/settings.local.json',
      '.claude/commands/x.md',
      '.claude/agents/x.md',
      '.claude/hooks/x.sh',
    ],
    session: '.claude/projects/-tree/s.jsonl',
  },
  codex: {
    config: ['.codex/config.toml', '.codex/hooks.json', '.codex/prompts/x.md', '.codex/rules/x.rules'],
    session: '.codex/sessions/s.jsonl',
  },
  opencode: {
    config: [
      '.config/opencode/opencode.json',
      '.config/opencode/plugin/x.js',
      '.cache/opencode/node_modules/x/index.js',
      '.local/share/opencode/bin/x',
    ],
    session: '.local/share/opencode/storage/s.json',
  },
  qwen: {
    config: ['.qwen/settings.json', '.qwen/commands/x.toml', '.qwen/locales/x.js', '.qwen/.env'],
    session: '.qwen/tmp/s.json',
  },
  gemini: {
    config: [
      '.gemini/settings.json',
      '.gemini/commands/x.toml',
      '.gemini/extensions/x/gemini-extension.json',
    ],
    session: '.gemini/tmp/s.json',
  },
};
const CLIS = Object.keys(TRIES) as (keyof typeof TRIES)[];

/** What the person's home holds before: their own settings, each CLI's state folder. */
const BEFORE: Record<string, string> = {
  '.claude/settings.json': '{"theme":"dark"}\n',
  '.claude.json': '{"numStartups":1}\n',
  '.codex/config.toml': 'model = "mine"\n',
  '.config/opencode/opencode.json': '{}\n',
  '.local/share/opencode/auth.json': '{}\n',
  '.cache/opencode/models.json': '{}\n',
  '.qwen/settings.json': '{}\n',
  '.gemini/settings.json': '{}\n',
};

let app: BatonApp;
let repo: TempRepo;
let home: string;
let runId: string;
const dirs: string[] = [];
const homeBefore = process.env.HOME;
const temp = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};

/** Node code that writes each of `cli`'s tries in HOME (a folder made first), its session last. */
const writesOf = (cli: keyof typeof TRIES) => `
for (const p of ${JSON.stringify(TRIES[cli].config)}) {
  const file = require('node:path').join(process.env.HOME, p);
  try { fs.mkdirSync(require('node:path').dirname(file), { recursive: true }); fs.writeFileSync(file, '{"hooks":"planted","mcpServers":{"x":{"command":"planted"}}}'); } catch {}
}
const session = require('node:path').join(process.env.HOME, ${JSON.stringify(TRIES[cli].session)});
fs.mkdirSync(require('node:path').dirname(session), { recursive: true });
fs.writeFileSync(session, 'my session\\n');
`;

/**
 * opencode as Baton drives it in the app (`opencode serve`, through its bridge): a server on
 * loopback answering the calls the bridge makes, whose prompt makes the writes and sends the real
 * stream's parts as its events, then idle.
 */
const servedOpencode = (writes: string, capture: string) => `const fs = require('node:fs');
const http = require('node:http');
let events = null;
const send = (type, properties) => events && events.write('data: ' + JSON.stringify({ type, properties }) + '\\n\\n');
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/event')) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    events = res;
    return send('server.connected', {});
  }
  if (req.method === 'POST' && req.url === '/session') return res.end(JSON.stringify({ id: 'ses_own' }));
  if (req.url === '/session/status') return res.end('{}');
  if (!req.url.endsWith('/prompt_async')) { res.writeHead(404); return res.end(); }
  res.writeHead(204);
  res.end();
  ${writes}
  fs.writeFileSync('own.txt', 'mine\\n');
  send('session.status', { sessionID: 'ses_own', status: { type: 'busy' } });
  for (const line of fs.readFileSync(${JSON.stringify(capture)}, 'utf8').split('\\n').filter(Boolean)) {
    const part = JSON.parse(line).part;
    if (part) send('message.part.updated', { sessionID: 'ses_own', part: { ...part, sessionID: 'ses_own' } });
  }
  send('session.status', { sessionID: 'ses_own', status: { type: 'idle' } });
});
server.listen(0, '127.0.0.1', () => console.log('opencode server listening on http://127.0.0.1:' + server.address().port));
`;

describe.runIf(process.platform === 'linux')('a coding CLI on the person’s own login', () => {
  beforeAll(async () => {
    home = temp('baton-own-home-');
    for (const [p, text] of Object.entries(BEFORE)) {
      mkdirSync(dirname(join(home, p)), { recursive: true });
      writeFileSync(join(home, p), text);
    }
    process.env.HOME = home;
    const bin = temp('baton-fake-clis-');
    const streams = join(import.meta.dirname, '../../../../test/coding-agents/streams');
    const sdk = pathToFileURL(createRequire(import.meta.url).resolve('@agentclientprotocol/sdk')).href;
    const executable: Record<string, string> = {};
    for (const cli of CLIS) {
      const script = cli === 'gemini' ? join(bin, 'gemini.mjs') : join(bin, `${cli}.cjs`);
      writeFileSync(
        script,
        cli === 'gemini'
          ? `import fs from 'node:fs'; import { createRequire } from 'node:module';
import { Readable, Writable } from 'node:stream';
import { agent, ndJsonStream } from ${JSON.stringify(sdk)};
const require = createRequire(import.meta.url);
agent()
  .onRequest('initialize', () => ({ protocolVersion: 1, agentCapabilities: { loadSession: false } }))
  .onRequest('session/new', () => ({ sessionId: 'gemini-1' }))
  .onRequest('session/prompt', async ({ params, client }) => {
    ${writesOf(cli)}
    fs.writeFileSync('own.txt', 'mine\\n');
    return { stopReason: 'end_turn' };
  })
  .connect(ndJsonStream(Writable.toWeb(process.stdout), Readable.toWeb(process.stdin)));
`
          : cli === 'opencode'
            ? servedOpencode(writesOf(cli), join(streams, 'opencode-edit.jsonl'))
            : `const fs = require('node:fs');
${writesOf(cli)}
fs.writeFileSync('own.txt', 'mine\\n');
process.stdout.write(fs.readFileSync(${JSON.stringify(join(streams, `${cli}-edit.jsonl`))}, 'utf8'));
`,
      );
      executable[cli] = join(bin, cli);
      writeFileSync(executable[cli], `#!/bin/sh\nexec ${process.execPath} ${script} "$@"\n`);
      chmodSync(executable[cli], 0o755);
    }
    repo = makeRepo();
    app = createApp({ dataDir: temp('baton-own-data-'), log: () => {} });
    await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
    runId = await setup(
      app,
      CLIS.map((cli) => ({
        id: `${cli}-own`,
        kind: 'coding',
        cli,
        protocol: cli === 'gemini' ? 'acp' : 'stream',
        executable: executable[cli]!,
        skills: [cli],
      })),
      {
        plan_id: 'own',
        workspace: 'app',
        tasks: CLIS.map((cli) => ({ task_id: cli, description: 'Work.', required_skills: [cli] })),
      },
    );
    await app.engine.whenSettled(runId);
    await app.coding.worktreesSettled();
  }, 120_000);

  afterAll(async () => {
    process.env.HOME = homeBefore;
    await app?.close();
    repo?.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it.each(CLIS)(
    '%s: its config stays as it was, each refused write a step; its session is kept',
    async (cli) => {
      const t = app.store.runs.task(runId, cli)!;
      const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: cli });
      expect(t.status, `${t.error}\n${JSON.stringify(steps.slice(-4))}`).toBe('done');
      for (const p of TRIES[cli].config) {
        const path = join(home, p);
        const before = Object.keys(BEFORE).find((b) => pathCovers(join(home, b), path));
        if (before) expect(readFileSync(path, 'utf8'), p).toBe(BEFORE[before]);
        else expect(existsSync(path), p).toBe(false);
        const refused = steps.filter(
          (s) =>
            s.kind === 'sandbox' &&
            s.blocked === 'write' &&
            (pathCovers(path, s.target) || pathCovers(s.target, path)),
        );
        expect(
          refused.length,
          `${p} in ${JSON.stringify(steps.filter((s) => s.kind === 'sandbox'))}`,
        ).toBeGreaterThan(0);
      }
      expect(readFileSync(join(home, TRIES[cli].session), 'utf8')).toBe('my session\n');
    },
  );

  it('leaves no stand-in in the home: a config folder that was not there still is not', () => {
    for (const p of [
      '.claude/commands',
      '.claude/agents',
      '.claude/hooks',
      '.claude/settings.local.json',
      '.codex/prompts',
      '.codex/hooks.json',
      '.qwen/commands',
      '.gemini/commands',
      '.cache/opencode/node_modules',
    ])
      expect(existsSync(join(home, p)), p).toBe(false);
  });
});
