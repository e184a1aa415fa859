import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureInstalled } from '../kit/fixtures.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';
import type { CliDefinition } from './clis.ts';
import { CLIS, claude } from './clis.ts';
import { startModelServer } from './model-server-for.ts';
import { startPhoneHomeTrap } from './phone-home-trap.ts';
import { makeAttemptDirs, runCli } from './run-cli.ts';

// The real coding-agent CLIs, driven fully offline against scripted model servers. Their
// binaries come from `npm ci --prefix test/coding-agents` (.ci/run does it).
const installed = fixtureInstalled('coding-agents');

type Dirs = ReturnType<typeof makeAttemptDirs>;
let dirs: Dirs;
let server: ModelServer | undefined;
let trap: Awaited<ReturnType<typeof startPhoneHomeTrap>>;

beforeEach(async () => {
  trap = await startPhoneHomeTrap();
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await trap.close();
  dirs?.remove();
});

/** Requests the trap saw that were not opencode's background install of its plugin package. */
const phoneHome = () => trap.attempts.filter((a) => !a.includes('127.0.0.1:9'));

describe.skipIf(!installed).each(Object.values(CLIS))('$name', (cli: CliDefinition) => {
  it('edits the repository with its own file tool, streams JSON events, and resumes its session', async () => {
    dirs = makeAttemptDirs(cli.name);
    server = await startModelServer(cli.wire, {
      conversations: [
        {
          name: 'task',
          turns: [
            {
              ...cli.writeTurn(dirs, 'hello.txt', `hello from ${cli.name}\n`),
              usage: { input: 1000, output: 50 },
            },
            { text: 'Wrote hello.txt.', usage: { input: 1200, output: 20 } },
            { text: 'Still here after the resume.', usage: { input: 1300, output: 10 } },
          ],
        },
      ],
    });
    cli.prepare(dirs, server.url);

    const first = await runCli(cli, dirs, server.url, 'Create hello.txt saying hello.', {
      extraEnv: trap.env,
      timeoutMs: 90_000,
    });
    expect(first.timedOut, first.stderr).toBe(false);
    expect(first.code, first.stderr).toBe(0);
    expect(readFileSync(join(dirs.repo, 'hello.txt'), 'utf8')).toBe(`hello from ${cli.name}\n`);
    expect(first.otherLines).toEqual([]); // stdout is only JSON events
    expect(first.sessionId).toMatch(/\S{8,}/);
    expect(first.lines.join('\n')).toContain('Wrote hello.txt.');
    const firstCalls = server.modelCalls('task');
    expect(firstCalls.map((r) => r.turn)).toEqual([0, 1]);
    expect(firstCalls.every((r) => r.answer === 'turn')).toBe(true);

    const second = await runCli(cli, dirs, server.url, 'Now say whether you remember.', {
      resume: first.sessionId,
      extraEnv: trap.env,
      timeoutMs: 90_000,
    });
    expect(second.code, second.stderr).toBe(0);
    expect(second.lines.join('\n')).toContain('Still here after the resume.');
    const resumed = server.modelCalls('task').at(-1);
    expect(resumed?.turn).toBe(2); // the history it sent holds both earlier assistant turns
    const texts = resumed?.request?.texts.join('\n') ?? '';
    expect(texts).toContain('Create hello.txt saying hello.');
    expect(texts).toContain('Wrote hello.txt.');
    expect(texts).toContain('Now say whether you remember.');

    expect(phoneHome()).toEqual([]);
  });
});

describe.skipIf(!installed)('claude only', () => {
  it('--max-budget-usd stops the run after the model answer that passes it: no further model call', async () => {
    dirs = makeAttemptDirs('claude-budget');
    server = await startModelServer('anthropic', {
      conversations: [
        {
          name: 'task',
          turns: [
            { ...claude.writeTurn(dirs, 'a.txt', 'a\n'), usage: { input: 200_000, output: 1_000 } },
            { ...claude.writeTurn(dirs, 'b.txt', 'b\n'), usage: { input: 200_000, output: 1_000 } },
            { text: 'Done.' },
          ],
        },
      ],
    });
    claude.prepare(dirs, server.url);
    const run = await runCli(claude, dirs, server.url, 'Write a.txt and b.txt.', {
      extraEnv: trap.env,
      extraArgs: ['--max-budget-usd', '0.05'],
      timeoutMs: 90_000,
    });
    expect(run.code).toBe(1);
    const result = run.events.find((e) => e.type === 'result');
    expect(result).toMatchObject({
      subtype: 'error_max_budget_usd',
      is_error: true,
      errors: ['Reached maximum budget ($0.05)'],
    });
    expect(result?.total_cost_usd).toBeGreaterThan(0.05); // priced by claude's own table
    expect(server.modelCalls('task')).toHaveLength(1);
    // Whether the answer's own tool call (a.txt) ran before claude checked its budget is claude's
    // timing, not ours: on a quiet machine it does not, on a loaded one it may. Not asserted.
    expect(phoneHome()).toEqual([]);
  });

  it('has --permission-prompt-tool: a permission it needs is asked of that MCP tool', async () => {
    dirs = makeAttemptDirs('claude-permission');
    server = await startModelServer('anthropic', {
      conversations: [{ name: 'task', turns: [claude.writeTurn(dirs, 'a.txt', 'a\n'), { text: 'Done.' }] }],
    });
    claude.prepare(dirs, server.url);
    const inv = claude.invocation(dirs, server.url, 'x');
    const withoutSkip = inv.args.filter((a) => a !== '--dangerously-skip-permissions');
    const run = await runCli(
      { ...claude, invocation: () => ({ ...inv, args: withoutSkip }) },
      dirs,
      server.url,
      'Write a.txt.',
      {
        extraEnv: trap.env,
        extraArgs: ['--permission-prompt-tool', 'mcp__baton__approve'],
        timeoutMs: 90_000,
      },
    );
    const toolResult = JSON.stringify(run.events.filter((e) => e.type === 'user'));
    expect(toolResult).toContain(
      'MCP tool mcp__baton__approve (passed via --permission-prompt-tool) not found',
    );
    expect(existsSync(join(dirs.repo, 'a.txt'))).toBe(false);
  });
});
