import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExecutorEvent } from '../../engine/executor.ts';
import { collect, freshWorkspace, outcome, removeWorkspaces, taskContext } from '../testing/task-context.ts';
import { createCommandExecutor } from './command.ts';
import { runProcess } from './command-process.ts';

afterAll(removeWorkspaces);

const executor = createCommandExecutor({ graceMs: 300 });
/** A `command` agent running an inline script on this Node. */
const script = (source: string, extra: Record<string, unknown> = {}, args: string[] = []) => ({
  id: 'runner',
  kind: 'command' as const,
  command: process.execPath,
  args: ['-e', source, ...args],
  ...extra,
});
/**
 * For tests that read the pids a program prints: inside the sandbox they are the sandbox's own
 * numbers, not this machine's (command-tree.test.ts finds sandboxed processes by their command line).
 */
const UNSANDBOXED = { sandbox: { mode: 'off' } };
const logs = (events: ExecutorEvent[], stream?: string) =>
  events.flatMap((e) => (e.type === 'log' && (!stream || e.stream === stream) ? [e.text] : []));

/**
 * Whether a process has ended. A killed grandchild is re-parented to PID 1, and where PID 1
 * does not reap (some containers) it stays a zombie: dead, only its exit status left.
 */
const isGone = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (process.platform !== 'linux') return false;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
};

describe('command executor', () => {
  it('reports progress, logs, the result and the files left in the workspace', async () => {
    const ctx = taskContext(
      script(
        `
        const fs = require('node:fs');
        let stdin = '';
        process.stdin.on('data', (d) => (stdin += d)).on('end', () => {
          console.log('::progress 50 half way');
          console.log('plain line');
          console.error('to stderr');
          fs.mkdirSync('out');
          fs.writeFileSync('out/report.md', '# Report\\n');
          const fromFile = fs.readFileSync(process.argv[1], 'utf8');
          console.log('::result ' + JSON.stringify({ same: fromFile === stdin, task: JSON.parse(stdin).task.task_id, arg: process.argv[2] }));
        });`,
        {},
        ['{context_file}', '{task_id}/{attempt}'],
      ),
    );
    const events = await collect(executor, ctx);
    expect(events).toContainEqual({ type: 'progress', percent: 50, message: 'half way' });
    expect(logs(events, 'stdout')).toEqual(['plain line']);
    expect(logs(events, 'stderr')).toEqual(['to stderr']);
    const path = `${ctx.workspace}/out/report.md`;
    expect(events).toContainEqual({
      type: 'artifact',
      name: 'out/report.md',
      path,
      size: 9,
      sha256: createHash('sha256').update('# Report\n').digest('hex'),
    });
    expect(events.filter((e) => e.type === 'artifact')).toHaveLength(1); // .baton/ is not an artifact
    expect(outcome(events)).toEqual({
      type: 'result',
      output: { same: true, task: 'task-1', arg: 'task-1/1' },
    });
    const written = JSON.parse(readFileSync(`${ctx.workspace}/.baton/context.json`, 'utf8'));
    expect(written).toMatchObject({
      run_id: 'run-1',
      attempt: 1,
      task: { task_id: 'task-1' },
      agent: { id: 'runner' },
    });
    expect(JSON.stringify(written)).not.toContain('command');
  });

  it('writes its context over a link left in the workspace, never through it; links are no artifacts', async () => {
    const outside = freshWorkspace();
    writeFileSync(join(outside, 'keys'), 'mine');
    const ctx = taskContext(
      script(`
        const fs = require('node:fs');
        fs.writeFileSync('kept.txt', 'mine too');
        fs.symlinkSync(${JSON.stringify(join(outside, 'keys'))}, 'leak.txt');
        fs.symlinkSync(${JSON.stringify(outside)}, 'linked');
        console.log('::result "done"');`),
    );
    // Left by an earlier program in this workspace: the context's name as a link to a file outside.
    mkdirSync(join(ctx.workspace, '.baton'));
    symlinkSync(join(outside, 'keys'), join(ctx.workspace, '.baton', 'context.json'));
    const events = await collect(executor, ctx);
    expect(outcome(events)).toEqual({ type: 'result', output: 'done' });
    expect(readFileSync(join(outside, 'keys'), 'utf8')).toBe('mine');
    expect(lstatSync(join(ctx.workspace, '.baton', 'context.json')).isFile()).toBe(true);
    expect(events.flatMap((e) => (e.type === 'artifact' ? [e.name] : []))).toEqual(['kept.txt']);
  });

  it('answers the end of stdout when the program exits 0 without ::result', async () => {
    const events = await collect(executor, taskContext(script(`console.log('first'); console.log('last')`)));
    expect(outcome(events)).toEqual({ type: 'result', output: { stdout_tail: 'first\nlast\n' } });
  });

  it('fails with the exit code and the last stderr line', async () => {
    const events = await collect(
      executor,
      taskContext(script(`console.error('no input file'); process.exit(3)`)),
    );
    expect(outcome(events)).toEqual({ type: 'error', message: 'command exited with code 3: no input file' });
  });

  it('fails with what the program reported on ::error', async () => {
    const events = await collect(executor, taskContext(script(`console.log('::error quota exceeded')`)));
    expect(outcome(events)).toEqual({ type: 'error', message: 'quota exceeded' });
  });

  it('reports a crash by its signal', async () => {
    const events = await collect(executor, taskContext(script('process.abort()')));
    const final = outcome(events);
    expect(final.type === 'error' && final.message).toMatch(/^command was killed by signal SIGABRT/);
  });

  it('reports a program that cannot be started', async () => {
    const ctx = taskContext({ id: 'ghost', kind: 'command', command: '/nonexistent/agent-program' });
    const final = outcome(await collect(executor, ctx));
    expect(final.type === 'error' && final.message).toMatch(
      /^cannot start "\/nonexistent\/agent-program": .*ENOENT/,
    );
  });

  it('rejects a ::result that is not JSON', async () => {
    const events = await collect(executor, taskContext(script(`console.log('::result {oops')`)));
    expect(outcome(events)).toEqual({ type: 'error', message: '::result is not valid JSON: {oops' });
  });

  it('takes a ::result of exactly 1 MB of JSON and refuses a longer one, naming the cap', async () => {
    const resultOf = (size: number) =>
      script(`process.stdout.write('::result "' + 'r'.repeat(${size} - 2) + '"\\n')`);
    const ok = outcome(await collect(executor, taskContext(resultOf(1024 * 1024))));
    expect(ok.type === 'result' && (ok.output as string).length).toBe(1024 * 1024 - 2);
    expect(outcome(await collect(executor, taskContext(resultOf(1024 * 1024 + 1))))).toEqual({
      type: 'error',
      message: '::result passed the 1 MB result cap of command agents',
    });
  });

  it('runs with a minimal environment plus the agent env, secrets resolved and redacted', async () => {
    process.env.BATON_TEST_LEAK = 'should-not-pass';
    const ctx = taskContext(
      script(
        `console.log('token is ' + process.env.API_TOKEN);
         console.error('stderr ' + process.env.API_TOKEN);
         console.log('::progress 5 using ' + process.env.API_TOKEN);
         console.log('::result ' + JSON.stringify({ leak: process.env.BATON_TEST_LEAK ?? null, token: process.env.API_TOKEN, mode: process.env.MODE }));`,
        { env: { API_TOKEN: 'Bearer {secret:svc}', MODE: 'fast' } },
      ),
      { secrets: { svc: 'tok-9f8e7d' } },
    );
    const events = await collect(executor, ctx);
    delete process.env.BATON_TEST_LEAK;
    expect(JSON.stringify(events)).not.toContain('tok-9f8e7d');
    expect(logs(events)).toEqual(['token is Bearer ***', 'stderr Bearer ***']);
    expect(outcome(events)).toEqual({
      type: 'result',
      output: { leak: null, token: 'Bearer ***', mode: 'fast' },
    });
  });

  it('does not start when a secret is missing', async () => {
    const ctx = taskContext(script('console.log(1)', { env: { KEY: '{secret:absent}' } }));
    expect(await collect(executor, ctx)).toEqual([
      { type: 'error', message: 'secret "absent" (for KEY) is not set' },
    ]);
  });

  it('survives binary garbage on stdout and stderr', async () => {
    const events = await collect(
      executor,
      taskContext(
        script(`
          const junk = Buffer.alloc(200_000);
          for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 256;
          process.stdout.write(junk);
          process.stderr.write(junk);
          process.stdout.write('\\n::result {"survived":true}\\n');`),
      ),
    );
    expect(outcome(events)).toEqual({ type: 'result', output: { survived: true } });
    for (const text of logs(events)) {
      expect(text).not.toContain('\0');
      expect(text.length).toBeLessThan(70_000);
    }
  });

  it('bounds a huge output: long lines cut, logging stops at the cap, the result still arrives', async () => {
    const events = await collect(
      executor,
      taskContext(
        script(`
          const line = 'x'.repeat(999) + '\\n';
          const block = line.repeat(1000);
          let left = 20;
          process.stdout.write('y'.repeat(5 * 1024 * 1024) + '\\n');
          const next = () => {
            if (left-- === 0) return process.stdout.write('::result {"done":true}\\n');
            process.stdout.write(block, next);
          };
          next();`),
      ),
    );
    expect(outcome(events)).toEqual({ type: 'result', output: { done: true } });
    const texts = logs(events);
    expect(texts[0]).toMatch(/^y{65536} … \[truncated \d+ characters and \d+ bytes\]$/);
    expect(texts.at(-1)).toBe('the log passed the 8 MB log cap of command agents: the rest is dropped');
    const total = texts.reduce((n, t) => n + t.length, 0);
    expect(total).toBeLessThan(9 * 1024 * 1024);
  });

  it('kills the whole process tree on abort, grandchildren included', async () => {
    const ac = new AbortController();
    const pids: number[] = [];
    const ctx = taskContext(
      script(
        `
        const { spawn } = require('node:child_process');
        const grandchild = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { stdio: 'ignore' });
        process.on('SIGTERM', () => {}); // ignores the polite request too: SIGKILL must follow
        console.log('pids ' + process.pid + ' ' + grandchild.pid);
        setInterval(() => {}, 1000);`,
        UNSANDBOXED,
      ),
    );
    const events = await collect(executor, ctx, ac.signal, (ev) => {
      if (ev.type === 'log' && ev.text.startsWith('pids ')) {
        pids.push(...ev.text.slice(5).split(' ').map(Number));
        setTimeout(() => ac.abort(), 200);
      }
    });
    expect(outcome(events)).toEqual({ type: 'error', message: 'cancelled' });
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isGone(pid)).toBe(true);
  });

  it('stops processes the program left behind when it exits, and still answers', async () => {
    let straggler = 0;
    const ctx = taskContext(
      script(
        `
        const { spawn } = require('node:child_process');
        const s = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });
        console.log('::result ' + JSON.stringify({ straggler: s.pid }));
        process.exit(0);`,
        UNSANDBOXED,
      ),
    );
    const events = await collect(executor, ctx, undefined, (ev) => {
      if (ev.type === 'result') straggler = (ev.output as { straggler: number }).straggler;
    });
    expect(outcome(events).type).toBe('result');
    expect(isGone(straggler)).toBe(true);
  });

  it('stops a program that runs past its timeout_s', async () => {
    const events = await collect(
      executor,
      taskContext(script('setInterval(() => {}, 1000)', { timeout_s: 0.5 })),
    );
    expect(outcome(events)).toEqual({ type: 'error', message: 'timed out after 0.5 s' });
  });

  it('cancels mid-run, after some progress', async () => {
    const ac = new AbortController();
    const ctx = taskContext(
      script(`let p = 0; setInterval(() => console.log('::progress ' + ++p + ' step'), 20)`),
    );
    const events = await collect(executor, ctx, ac.signal, (ev) => {
      if (ev.type === 'progress' && ev.percent === 3) ac.abort();
    });
    expect(events.filter((e) => e.type === 'progress').length).toBeGreaterThanOrEqual(3);
    expect(outcome(events)).toEqual({ type: 'error', message: 'cancelled' });
  });

  it('does not start when already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await collect(executor, taskContext(script('console.log(1)')), ac.signal)).toEqual([
      { type: 'error', message: 'cancelled' },
    ]);
  });

  it('refuses an agent of another kind', async () => {
    expect(await collect(executor, taskContext({ id: 'e' }))).toEqual([
      { type: 'error', message: 'the command executor cannot run a echo agent' },
    ]);
  });
});

describe('a command agent cancelled while its program was being set up', () => {
  it('stops the program at once instead of running it to its end', async () => {
    // The attempt's signal aborted during the executor's awaits (its context file, its
    // sandbox): the program starts with it aborted already, and no abort event is sent again.
    const ac = new AbortController();
    ac.abort();
    const run = runProcess({
      command: 'sleep',
      args: ['600'],
      cwd: freshWorkspace(),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdin: '',
      signal: ac.signal,
      graceMs: 300,
    });
    for await (const _ of run.lines);
    expect((await run.ended).stopped).toBe('abort');
  });
});
