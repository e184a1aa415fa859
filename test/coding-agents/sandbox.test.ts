import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunDetail, TaskAttempt } from '../../src-shared/schemas/run.ts';
import { pathCovers } from '../../src-shared/schemas/sandbox.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import type { CodingOutput } from '../../src-shared/schemas/workspace.ts';
import { call } from '../kit/engine-kit.ts';
import type { Turn } from '../kit/model-servers/scripted-server.ts';
import type { Servers } from './baton-kit.ts';
import { CLI_NAMES, codingAgent, installed, openBaton, startServers, writeTurn } from './baton-kit.ts';
import type { CliName } from './clis.ts';
import { CLIS } from './clis.ts';

// Each real CLI as a coding agent in Baton's OS sandbox (its default), against a scripted model
// server on 127.0.0.1 that it reaches only through the sandbox's network filter (Baton's metering
// endpoint, listed as 127.0.0.1:PORT). The model has it do its task's work, then try three
// trespasses: write a file outside its worktree, read a fake ~/.ssh/id_ed25519 of a temporary
// HOME, and connect to a second local server nobody listed.
let servers: Servers;
let baton: ReturnType<typeof openBaton>;
let runId: string;
let detail: RunDetail;
let root: string;
let home: string;
let key: string;
let outside: string;
let unlisted: Server;
let unlistedPort: number;
const unlistedRequests: string[] = [];
const homeBefore = process.env.HOME;
/** The fake key's content: it must reach no model request. */
const SECRET = 'FAKE-PRIVATE-KEY-b3f1c0de';

const only = (process.env.BATON_CLIS?.split(',') as CliName[] | undefined) ?? CLI_NAMES;

/**
 * The write outside the worktree, with the CLI's own file tool (claude, codex's apply_patch,
 * opencode); qwen-code refuses a path outside its project by itself (before the sandbox is
 * asked), so its write is a shell command.
 */
function outsideWrite(cli: CliName, file: string): Turn {
  if (cli === 'claude')
    return { tools: [{ name: 'Write', input: { file_path: file, content: 'escaped\n' } }] };
  if (cli === 'opencode')
    return { tools: [{ name: 'write', input: { filePath: file, content: 'escaped\n' } }] };
  if (cli === 'codex')
    return {
      tools: [
        { name: 'apply_patch', input: `*** Begin Patch\n*** Add File: ${file}\n+escaped\n*** End Patch\n` },
      ],
    };
  return { tools: [{ name: 'write_file', input: { file_path: file, content: 'escaped\n' } }] };
}

/**
 * Whether the refused write is a step of the trace. Claude Code's Write tool gets EROFS (the file
 * is not written), yet the library's monitor reports nothing of it (measured, not explained: it
 * does report claude's first writes): Baton sees it in the tool's failure instead (seen by `tool`).
 */
const WRITE_REPORTED: Record<CliName, boolean> = { claude: true, codex: true, opencode: true, qwen: true };

/** The read of the key, with the CLI's read tool (claude, opencode, qwen-code); codex has none but its shell. */
function keyRead(cli: CliName): Turn {
  if (cli === 'claude') return { tools: [{ name: 'Read', input: { file_path: key } }] };
  if (cli === 'opencode') return { tools: [{ name: 'read', input: { filePath: key } }] };
  if (cli === 'qwen') return { tools: [{ name: 'read_file', input: { file_path: key } }] };
  return CLIS[cli].shellTurn(`cat ${key}`);
}

/**
 * The connection to the unlisted server: none of the CLIs has a fetch tool for a local URL, so
 * through its shell, with curl (the shells of codex and opencode are login shells, whose PATH finds
 * the system's Node 20, whose fetch ignores the sandbox's proxy and is refused unseen).
 */
const unlistedFetch = (cli: CliName): Turn =>
  CLIS[cli].shellTurn(
    `curl -sS -o /dev/null -w 'status %{http_code}' http://127.0.0.1:${unlistedPort}/steal`,
  );

beforeAll(async () => {
  if (!installed) return;
  root = mkdtempSync(join(tmpdir(), 'baton-cli-sandbox-'));
  home = join(root, 'home');
  mkdirSync(join(home, '.ssh'), { recursive: true });
  key = join(home, '.ssh', 'id_ed25519');
  writeFileSync(key, `${SECRET}\n`);
  outside = join(root, 'outside');
  mkdirSync(outside);
  // The sandbox hides the secrets under the HOME of the process that runs Baton: a temporary one.
  process.env.HOME = home;
  unlisted = createServer((req, res) => {
    unlistedRequests.push(req.url ?? '');
    res.end('you should not be here');
  });
  await new Promise<void>((r) => unlisted.listen(0, '127.0.0.1', r));
  unlistedPort = (unlisted.address() as AddressInfo).port;
  servers = await startServers();
  baton = openBaton();
  const { app, repo } = baton;
  for (const cli of only) {
    servers.script(cli, [
      {
        name: 'trespass',
        turns: [
          writeTurn(cli, `${cli}/own.txt`, `my own work, ${cli}\n`),
          outsideWrite(cli, join(outside, `${cli}.txt`)),
          keyRead(cli),
          unlistedFetch(cli),
          { text: `Wrote ${cli}/own.txt; the rest was refused.` },
        ],
      },
    ]);
  }
  await call(app, 'workspaces.add', { id: 'app', path: repo.repo });
  await call(app, 'agents.import', { agents: only.map((cli) => codingAgent(servers, cli)) });
  await call(app, 'plans.import', {
    plan: {
      plan_id: 'trespass',
      workspace: 'app',
      tasks: only.map((cli) => ({
        task_id: `${cli}-task`,
        description: `Write ${cli}/own.txt.`,
        required_skills: [cli],
      })),
    },
  });
  runId = (await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'trespass' })).run_id;
  await app.engine.whenSettled(runId);
  await app.coding.worktreesSettled();
  detail = await call<RunDetail>(app, 'runs.get', { run_id: runId });
}, 300_000);

afterAll(async () => {
  if (!installed) return;
  process.env.HOME = homeBefore;
  await baton?.close();
  await servers?.close();
  await new Promise((r) => unlisted?.close(r));
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!installed || process.platform !== 'linux').each(only)('%s in the OS sandbox', (cli) => {
  it('does its work on its branch, and is refused a write outside, the key and an unlisted server; the trace shows it', async () => {
    const { app } = baton;
    const task = detail.tasks.find((t) => t.task_id === `${cli}-task`)!;
    const steps = await call<StoredStep[]>(app, 'runs.steps', { run_id: runId, task_id: task.task_id });
    expect(task.status, `${task.error ?? ''}\n${JSON.stringify(steps.slice(-6), null, 1)}`).toBe('done');
    // Its own work is on its branch.
    const out = task.output as CodingOutput;
    const shown = execFileSync('git', ['show', `${out.commit}:${cli}/own.txt`], {
      cwd: baton.repo.repo,
      encoding: 'utf8',
    });
    expect(shown).toBe(`my own work, ${cli}\n`);
    // Nothing outside changed: no file written there, the key as it was, the unlisted server asked nothing.
    expect(readdirSync(outside)).toEqual([]);
    expect(readFileSync(key, 'utf8')).toBe(`${SECRET}\n`);
    expect(unlistedRequests).toEqual([]);
    // The key's content reached no model request.
    const sent = JSON.stringify(servers.serverOf(cli).requests.map((r) => r.body));
    expect(sent).toContain('own.txt');
    expect(sent).not.toContain(SECRET);
    // The refused write and connection are steps of the attempt, counted on it.
    const refused = steps.flatMap((s) =>
      s.kind === 'sandbox' ? [[s.blocked, s.target, s.process] as const] : [],
    );
    expect(refused).toContainEqual(['network', `127.0.0.1:${unlistedPort}`, cli]);
    // The write as the monitor saw it: the file, or the temporary file a tool writes it through first.
    const wrote = refused.filter(
      ([b, target, by]) => b === 'write' && pathCovers(outside, target) && by === cli,
    );
    if (WRITE_REPORTED[cli]) expect(wrote.length, JSON.stringify(refused)).toBeGreaterThan(0);
    const attempts = await call<TaskAttempt[]>(app, 'runs.taskAttempts', {
      run_id: runId,
      task_id: task.task_id,
    });
    expect(attempts.at(-1)!.sandbox_blocked).toBe(refused.length);
    expect(attempts.at(-1)!.sandbox_blocked).toBeGreaterThanOrEqual(WRITE_REPORTED[cli] ? 2 : 1);
    expect(existsSync(join(outside, `${cli}.txt`))).toBe(false);
    // The attempt's log says where it ran: its worktree writable, its model endpoint on loopback reachable.
    const logs = await call<{ text: string }[]>(app, 'runs.taskLogs', {
      run_id: runId,
      task_id: task.task_id,
    });
    const said = logs.map((l) => l.text).find((t) => t.startsWith(`${cli} runs in the OS sandbox:`));
    expect(said).toMatch(/it writes only \/\S+\/tree, .* and reaches only 127\.0\.0\.1:\d+$/);
  });
});
