import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import type { Approval } from '../../src-shared/schemas/approval.ts';
import type { Run } from '../../src-shared/schemas/run.ts';
import { call, eventually, setup, task } from '../../test/kit/engine-kit.ts';
import type { BatonApp } from './create-app.ts';
import { createApp } from './create-app.ts';

/**
 * Two Baton processes on one data directory (here: two apps in one process, each with its own
 * lease owner): `executing` runs the plan, `other` answers its approvals (as `baton approve` in
 * another terminal does while `baton run` follows the run). The answer is handed to the process
 * that executes the run, which applies it as its own.
 */
let dir: string;
let executing: BatonApp;
let other: BatonApp;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-handed-'));
  executing = createApp({ dataDir: dir, log: () => {} });
  other = createApp({ dataDir: dir, resume: false, log: () => {} });
});
afterEach(async () => {
  await Promise.all([executing.close(), other.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const gated = {
  plan_id: 'gate',
  tasks: [task('deploy', { requires_approval: true }), task('after', { depends_on: ['deploy'] })],
};

async function pendingApproval(app: BatonApp, runId: string): Promise<Approval> {
  let found: Approval | undefined;
  await eventually(
    async () => {
      found = (await call<Approval[]>(app, 'approvals.list', { run_id: runId })).find(
        (a) => a.status === 'pending',
      );
      return found !== undefined;
    },
    10_000,
    'a pending approval',
  );
  return found!;
}

describe('answers handed to the process that executes the run', () => {
  it('applies a decision made in another process there, as the person who made it, and the run goes on', async () => {
    const runId = await setup(executing, [{ id: 'w', skills: ['x'] }], gated);
    const approval = await pendingApproval(other, runId);
    // The other process's clients (a host's inbox) hear it decided once it is, there.
    const heard: Approval[] = [];
    other.bus.subscribe((batch: EventBatch) => {
      for (const e of batch) if (e.name === 'approval.changed') heard.push(e.payload);
    });
    const answer = await call<Approval>(other, 'approvals.decide', {
      approval_id: approval.id,
      decision: 'approve',
      actor: 'ana',
      comment: 'ship it',
    });
    // Not applied where it was made: still pending, and handed on.
    expect(answer.status).toBe('pending');
    expect(other.store.handedAnswers.get(approval.id)).toMatchObject({ run_id: runId });
    // A second answer while the first waits is refused, naming the approval.
    const again = await other.dispatch('approvals.decide', {
      approval_id: approval.id,
      decision: 'reject',
      actor: 'bo',
    });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(again.ok ? '' : again.error.message).toContain(
      `an answer to approval "${approval.id}" was handed already`,
    );
    const run = await executing.engine.whenSettled(runId);
    expect(run.status).toBe('completed');
    expect(executing.store.approvals.get(approval.id)).toMatchObject({
      status: 'approved',
      actor: 'ana',
      comment: 'ship it',
    });
    expect(executing.store.handedAnswers.all()).toEqual([]);
    await eventually(
      () => heard.some((a) => a.id === approval.id && a.status === 'approved' && a.actor === 'ana'),
      10_000,
      'the approval told decided where it was handed',
    );
    // The other process never took the run up: the lease stayed where it was.
    expect(other.engine.isActive(runId)).toBe(false);
  });

  it('drops an answer whose approval was decided meanwhile where the run executes', async () => {
    const runId = await setup(executing, [{ id: 'w', skills: ['x'] }], gated);
    const approval = await pendingApproval(other, runId);
    await call(other, 'approvals.decide', { approval_id: approval.id, decision: 'approve', actor: 'ana' });
    // Decided where the run executes before that process looked for handed answers.
    await call(executing, 'approvals.decide', {
      approval_id: approval.id,
      decision: 'reject',
      actor: 'bo',
      comment: 'not today',
    });
    await eventually(
      () => executing.store.handedAnswers.all().length === 0,
      10_000,
      'the handed answer dropped',
    );
    expect(executing.store.approvals.get(approval.id)).toMatchObject({ status: 'rejected', actor: 'bo' });
    const run: Run = await executing.engine.whenSettled(runId);
    expect(run.status).toBe('failed');
  });

  it('refuses a decision that does not fit before handing anything on', async () => {
    const runId = await setup(executing, [{ id: 'w', skills: ['x'] }], gated);
    const approval = await pendingApproval(other, runId);
    const refused = await other.dispatch('approvals.decide', {
      approval_id: approval.id,
      decision: 'request_changes',
      actor: 'ana',
      comment: 'smaller, please',
    });
    // A request for changes is for a diff review only: refused here, as where the run executes.
    expect(refused.ok).toBe(false);
    expect(other.store.handedAnswers.all()).toEqual([]);
    expect(executing.store.approvals.get(approval.id)?.status).toBe('pending');
  });
});
