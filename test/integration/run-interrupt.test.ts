import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { running, sleepTags, stubbornAgent } from '../../src-main/processes/testing/processes.ts';
import { CLI } from '../kit/worker-process.ts';

// Ctrl+C on `baton run` while its agent works: the agent's program is stopped (SIGKILL once its
// grace is over, here: it ignores SIGTERM) before the command exits 130, the run is left
// unfinished with its lease given back (the next `baton serve` takes it up at once, not 30 s
// later), and the command says so. Before, Node's default ended the process at the signal, the
// parent watch stopped the program a moment later, and the lease ran on.

const tags = sleepTags();
const root = mkdtempSync(join(tmpdir(), 'baton-run-interrupt-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('baton run, interrupted', () => {
  it('stops its agent, gives the run back and exits 130 on Ctrl+C', async () => {
    const tag = tags.next();
    const dir = mkdtempSync(join(root, 'data-'));
    const plan = join(dir, 'plan.json');
    const agents = join(dir, 'agents.json');
    writeFileSync(
      plan,
      JSON.stringify({
        plan_id: 'p',
        tasks: [{ task_id: 't', description: 'Keep running', required_skills: ['x'] }],
      }),
    );
    writeFileSync(agents, JSON.stringify([stubbornAgent(tag)]));
    const child = spawn(process.execPath, [CLI, 'run', plan, '--agents', agents, '--data-dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    const exited = new Promise<{ code: number | null; signal: string | null; left: number[] }>((resolve) =>
      // What is left of the program is read the moment the command has exited.
      child.once('exit', (code, signal) => resolve({ code, signal, left: running(tag) })),
    );
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    await expect.poll(() => running(tag).length, { timeout: 60_000 }).toBe(1);
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: 130, signal: null, left: [] });
    expect(out).toMatch(/stopped here unfinished; it goes on when `baton serve` or the app opens/);
    const db = new Database(join(dir, 'baton.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT status, lease_owner FROM runs').all()).toEqual([
        { status: 'executing', lease_owner: null },
      ]);
    } finally {
      db.close();
    }
  }, 90_000);
});
