import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../../test/kit/engine-kit.ts';
import { attemptScope, PROCESS_SCOPE } from '../processes/attempt-scope.ts';
import { attemptMarker, mayHaveLeftovers, stopOrphans } from './attempt-leftovers.ts';

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A program an attempt left running: a sleep carrying the attempt's marker. */
function leftBehind(marker: string): ChildProcess {
  const child = spawn('sleep', ['600'], {
    env: { PATH: process.env.PATH, BATON_ATTEMPT: marker },
    stdio: 'ignore',
  });
  children.push(child);
  return child;
}
const running = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;

describe("an attempt's process marker", () => {
  it("is scoped by data directory: a Baton stops only its own data directory's leftovers, whatever the run ids", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-scope-'));
    dirs.push(dir);
    const mine = attemptScope({ name: join(dir, 'a', 'baton.db'), memory: false });
    const theirs = attemptScope({ name: join(dir, 'b', 'baton.db'), memory: false });
    expect(mine).not.toBe(theirs);
    const ours = leftBehind(attemptMarker(mine, 'run-1', 't', 1));
    const other = leftBehind(attemptMarker(theirs, 'run-1', 't', 1));
    await eventually(() => ours.pid !== undefined && other.pid !== undefined, 10_000, 'the sleeps to start');

    expect(await stopOrphans(mine, 'run-1')).toBe(1);
    await eventually(() => !running(ours), 30_000, 'our leftover to stop');
    expect(running(other)).toBe(true);
  });

  it('is the same for every process that opens the same database file, by any path to it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'baton-scope-'));
    dirs.push(dir);
    symlinkSync(dir, join(dir, 'again'));
    const db = join(dir, 'baton.db');
    writeFileSync(db, '');
    expect(attemptScope({ name: join(dir, 'again', 'baton.db'), memory: false })).toBe(
      attemptScope({ name: db, memory: false }),
    );
    // A database in memory is this process's alone.
    expect(attemptScope({ name: ':memory:', memory: true })).toBe(PROCESS_SCOPE);
  });
});

describe("a run's end", () => {
  it('looks for leftovers where this process made a marker for the run, or took the run up from the store', () => {
    // A run of echo tasks: no program was started, no process table is read.
    expect(mayHaveLeftovers('scope', 'run-a', false)).toBe(false);
    attemptMarker('scope', 'run-b', 't', 1);
    expect(mayHaveLeftovers('scope', 'run-b', false)).toBe(true);
    // Asked at the run's end, once: a run taken up again later comes from the store.
    expect(mayHaveLeftovers('scope', 'run-b', false)).toBe(false);
    // A Baton before this one may have started its programs.
    expect(mayHaveLeftovers('scope', 'run-c', true)).toBe(true);
    attemptMarker('another', 'run-d', 't', 1);
    expect(mayHaveLeftovers('scope', 'run-d', false)).toBe(false);
  });
});
