import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';
import { detail, eventually, openApp, removeAll, stepsOf, tempDir } from './loop-kit.ts';

const child = join(import.meta.dirname, 'loop-child.ts');
const counter = join(import.meta.dirname, 'counter.mjs');

let app: BatonApp | null = null;
let model: ModelServer | null = null;
const procs: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const p of procs.splice(0)) p.kill('SIGKILL');
  await app?.close();
  app = null;
  await model?.close();
  model = null;
  await removeAll(dirs);
});

/** Starts a Baton process running the loop; resolves with it and its run id once the run is stored. */
async function startChild(dataDir: string, work: string): Promise<{ proc: ChildProcess; run: string }> {
  const proc = spawn(process.execPath, [child, dataDir, model!.url, work], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  procs.push(proc);
  const run = await new Promise<string>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /RUN (\S+)\n/.exec(out);
      if (m) resolve(m[1]!);
    });
    proc.on('exit', (code) => reject(new Error(`the child exited (${code}) before starting its run`)));
  });
  return { proc, run };
}

const kill = (proc: ChildProcess) =>
  new Promise<void>((r) => {
    proc.on('exit', () => r());
    proc.kill('SIGKILL');
  });

const count = (work: string) => {
  const log = join(work, 'count.log');
  return existsSync(log) ? readFileSync(log, 'utf8') : '';
};

/** The counter processes running in `work` (Linux: /proc), a call's program until it ends. */
function countersIn(work: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      // The counter itself (`node counter.mjs …`), not the sandbox's shells that name it.
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[1] === counter && readlinkSync(`/proc/${pid}/cwd`) === work) found.push(Number(pid));
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return found;
}

const runCounter = (label: string, ms = 0) => ({
  name: 'workspace__run_command',
  input: { command: process.execPath, args: [counter, label, String(ms)] },
});

describe('a Baton killed in the middle of a tool loop', () => {
  it('the next process goes on from the stored steps: completed calls are not run again, the model is not asked again', async () => {
    const work = tempDir('baton-kill-work-', dirs);
    const dataDir = tempDir('baton-kill-data-', dirs);
    model = await startChatServer({
      conversations: [
        {
          name: 'kill',
          turns: [
            { tools: [runCounter('one')] },
            { text: 'one done', tools: [runCounter('two')] },
            // The model hangs on this turn the first time: Baton is killed while it waits.
            { text: 'both counted', fault: { kind: 'hang' }, faultTimes: 1 },
          ],
        },
      ],
    });
    const { proc, run } = await startChild(dataDir, work);
    await eventually(
      () => model!.modelCalls('kill').some((r) => r.turn === 2),
      30_000,
      'the third model turn',
    );
    await kill(proc);
    expect(count(work)).toBe('one start\none end\ntwo start\ntwo end\n');

    app = openApp(dataDir);
    await app.engine.whenSettled(run);
    const d = await detail(app, run);
    expect(d.tasks[0]).toMatchObject({ status: 'done', attempt: 2, output: { text: 'both counted' } });
    // Each call ran once; the model was asked each turn once, the one it hung on again.
    expect(count(work)).toBe('one start\none end\ntwo start\ntwo end\n');
    expect(model.modelCalls('kill').map((r) => r.turn)).toEqual([0, 1, 2, 2]);
    // The resumed request holds the whole conversation: both calls and their answers.
    const resumed = model.modelCalls('kill')[3]!.request!;
    expect(resumed.assistantTurns).toBe(2);
    expect(resumed.texts.join('\n')).toContain('one done');
    const steps = stepsOf(app, run);
    expect(steps.find((s) => s.attempt === 2)).toMatchObject({
      kind: 'message',
      role: 'system',
      text: 'going on from attempt 1: 2 model turns and 2 tool calls done are not repeated',
    });
    expect(steps.filter((s) => s.attempt === 2 && s.kind === 'tool_call')).toEqual([]);
  });

  it('a call in flight at the kill is stopped with the Baton that ran it, and not run again when its tool is not idempotent: the model is told it may or may not have taken effect', async () => {
    const work = tempDir('baton-inflight-work-', dirs);
    const dataDir = tempDir('baton-inflight-data-', dirs);
    // Ten minutes: left running, it would still be there when the test ends.
    model = await startChatServer({
      conversations: [
        { name: 'inflight', turns: [{ tools: [runCounter('slow', 600_000)] }, { text: 'checked' }] },
      ],
    });
    const { proc, run } = await startChild(dataDir, work);
    await eventually(() => count(work).includes('slow start'), 30_000, 'the slow call to start');
    expect(countersIn(work)).toHaveLength(1);
    await kill(proc);
    // Baton died by SIGKILL, with no chance to stop it: its watcher stops the call's process.
    await eventually(() => countersIn(work).length === 0, 15_000, 'the orphaned call to be stopped');

    app = openApp(dataDir);
    await app.engine.whenSettled(run);
    expect((await detail(app, run)).tasks[0]).toMatchObject({ status: 'done', output: { text: 'checked' } });
    expect(count(work).match(/slow start/g)).toHaveLength(1);
    expect(model.modelCalls('inflight')[1]!.request!.texts.join('\n')).toContain(
      'interrupted: Baton stopped while this call ran, so it may or may not have taken effect',
    );
    // The call the kill interrupted was stopped: it never ended on its own.
    expect(count(work)).not.toContain('slow end');
    const calls = stepsOf(app, run).filter((s) => s.kind === 'tool_call');
    expect(calls.map((s) => (s.kind === 'tool_call' ? [s.attempt, s.status] : []))).toEqual([
      [1, 'running'],
      [2, 'failed'],
    ]);
  });
});
