import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentTestResult } from '../../../src-shared/schemas/agent-test-result.ts';
import { call } from '../../../test/kit/engine-kit.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';

let app: BatonApp | undefined;
let dir: string | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  delete process.env.BATON_TEST_TOKEN;
});

/** The app on a real data directory with one command agent running `script` under node. */
async function withAgent(script: string, extra: Record<string, unknown> = {}) {
  dir = mkdtempSync(join(tmpdir(), 'baton-agent-test-'));
  app = createApp({ dataDir: dir, log: () => {} });
  await call(app, 'agents.import', {
    agents: [
      {
        id: 'tool',
        kind: 'command',
        skills: ['x'],
        command: process.execPath,
        args: ['-e', script],
        ...extra,
      },
    ],
  });
  return app;
}

const test = (a: BatonApp, input: Record<string, unknown> = {}) =>
  call<AgentTestResult>(a, 'agents.test', { agent_id: 'tool', ...input });

describe('agents.test: a command agent run once with a sample task', () => {
  it('answers its exit code, duration, first lines, result and files, given the task as a task would be', async () => {
    const a = await withAgent(
      `const fs = require('node:fs');
       const ctx = JSON.parse(fs.readFileSync(0, 'utf8'));
       console.log('hello from ' + ctx.agent.id);
       console.error('a warning');
       fs.writeFileSync('out.txt', ctx.task.description);
       console.log('::result ' + JSON.stringify({ said: ctx.task.description, arg: process.argv[1] }));`,
    );
    // Its arguments are filled as a task's are ({task_id} here).
    const agent = (await call<{ id: string; args: string[] }[]>(a, 'agents.list', {}))[0]!;
    await call(a, 'agents.save', { ...agent, args: [...agent.args, '{task_id}'] });
    const r = await test(a, { description: 'say hi' });
    expect(r).toMatchObject({
      agent_id: 'tool',
      ok: true,
      started: true,
      exit_code: 0,
      signal: null,
      timed_out: false,
      error: null,
      result: { said: 'say hi', arg: 'agent-test' },
      files: ['out.txt'],
      task: { task_id: 'agent-test', description: 'say hi' },
    });
    // stdout and stderr in the order each stream printed (the two interleave as they arrive).
    const lines = (stream: string) => r.output.filter((l) => l.stream === stream).map((l) => l.text);
    expect(lines('stdout')).toEqual(['hello from tool', expect.stringMatching(/^::result /)]);
    expect(lines('stderr')).toEqual(['a warning']);
    expect(r.duration_ms).toBeGreaterThan(0);
  });

  it('says why it failed: an exit code with the last error line, an ::error, a program not found', async () => {
    let a = await withAgent(`console.error('config missing'); process.exit(3)`);
    expect(await test(a)).toMatchObject({
      ok: false,
      started: true,
      exit_code: 3,
      error: 'exited with code 3: config missing',
    });
    await call(a, 'agents.save', {
      id: 'tool',
      kind: 'command',
      skills: ['x'],
      command: process.execPath,
      args: ['-e', `console.log('::error the API key was refused')`],
    });
    expect(await test(a)).toMatchObject({
      ok: false,
      exit_code: 0,
      error: 'it reported an error: the API key was refused',
    });
    await call(a, 'agents.save', {
      id: 'tool',
      kind: 'command',
      skills: ['x'],
      command: 'no-such-program-here',
    });
    const missing = await test(a);
    expect(missing).toMatchObject({ ok: false, started: false, exit_code: null });
    expect(missing.error).toMatch(/^cannot start "no-such-program-here": .*ENOENT/);
    a = app!;
    // Baton is still here and answers.
    expect(await call(a, 'agents.list', {})).toHaveLength(1);
  });

  it('stops a program past its time limit, and keeps only the first lines of a flood', async () => {
    const a = await withAgent(
      `for (let i = 0; i < 5000; i++) console.log('line ' + i + ' ' + 'x'.repeat(1000)); setInterval(() => {}, 1000);`,
      { timeout_s: 1 },
    );
    const r = await test(a);
    expect(r).toMatchObject({ ok: false, started: true, timed_out: true, timeout_s: 1 });
    expect(r.error).toBe('no answer within 1 s: stopped');
    expect(r.output).toHaveLength(20);
    expect(r.output[0]!.text).toMatch(/^line 0 x+ … \[truncated 607 characters\]$/);
    expect(r.more_lines).toBe(4980);
  });

  it('hides the secrets it was given, and says which secret is not set', async () => {
    const a = await withAgent(
      `console.log('token is ' + process.env.TOKEN); console.log('::result "' + process.env.TOKEN + '"')`,
      {
        env: { TOKEN: '{secret:BATON_TEST_TOKEN}' },
      },
    );
    expect(await test(a)).toMatchObject({
      ok: false,
      started: false,
      error: 'secret "BATON_TEST_TOKEN" (for TOKEN) is not set',
    });
    process.env.BATON_TEST_TOKEN = 's3cret-value';
    const r = await test(a);
    expect(r.ok).toBe(true);
    expect(JSON.stringify(r)).not.toContain('s3cret-value');
  });

  it('refuses an agent that is not a command agent, and one that does not exist, naming the field', async () => {
    const a = await withAgent('');
    await call(a, 'agents.import', { agents: [{ id: 'bot', skills: ['x'] }] });
    expect(await a.dispatch('agents.test', { agent_id: 'bot' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringContaining('bot is an echo agent') },
    });
    expect(await a.dispatch('agents.test', { agent_id: 'nobody' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await a.dispatch('agents.test', {})).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
  });
});
