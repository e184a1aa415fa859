import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import type { AgentInput } from '../../src-shared/schemas/agent.ts';
import type { ApprovalView } from '../../src-shared/schemas/approval.ts';
import type { PlanInput } from '../../src-shared/schemas/plan.ts';
import type { RunDetail } from '../../src-shared/schemas/run.ts';
import type { StoredStep } from '../../src-shared/schemas/step.ts';
import { call, eventually } from '../kit/engine-kit.ts';

export { call, eventually };

/** A temporary folder, removed by `cleanup`. */
export function tempDir(prefix: string, made: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/**
 * Removes the folders, and again a moment later: `app.close()` does not wait for the store's
 * checkpoint worker to close its connection, which can write `baton.db` back into a data
 * directory removed meanwhile.
 */
export async function removeAll(dirs: string[]): Promise<void> {
  const gone = dirs.splice(0);
  for (const d of gone) rmSync(d, { recursive: true, force: true });
  await new Promise((r) => setTimeout(r, 300));
  for (const d of gone) rmSync(d, { recursive: true, force: true });
}

/** A Baton app on a real data directory (so a second app can take over after the first closes). */
export function openApp(dataDir: string): BatonApp {
  return createApp({ dataDir, log: () => {} });
}

/** An llm agent with tools, pointed at a scripted model server. */
export function toolAgent(modelUrl: string, extra: Record<string, unknown>): AgentInput {
  return {
    id: 'mila',
    kind: 'llm',
    skills: ['x'],
    base_url: `${modelUrl}/v1`,
    model: 'tiny',
    max_retries: 0,
    ...extra,
  } as AgentInput;
}

export async function startRun(app: BatonApp, agent: AgentInput, plan: PlanInput): Promise<string> {
  await call(app, 'agents.import', { agents: [agent] });
  await call(app, 'plans.import', { plan });
  return (await call<{ run_id: string }>(app, 'runs.start', { plan_id: plan.plan_id })).run_id;
}

export const oneTask = (extra: Record<string, unknown> = {}): PlanInput => ({
  plan_id: 'p',
  goal: 'use tools',
  tasks: [{ task_id: 't', description: 'do the work with your tools', required_skills: ['x'], ...extra }],
});

export const detail = (app: BatonApp, runId: string) => call<RunDetail>(app, 'runs.get', { run_id: runId });

export const pendingApprovals = (app: BatonApp) =>
  call<ApprovalView[]>(app, 'approvals.list', { status: 'pending' });

/** Waits for the next pending approval of kind tool_call (one not in `seen`). */
export async function nextToolCall(
  app: BatonApp,
  seen: Set<string>,
  timeoutMs = 60_000,
): Promise<ApprovalView> {
  let found: ApprovalView | undefined;
  await eventually(
    async () => {
      found = (await pendingApprovals(app)).find((a) => a.kind === 'tool_call' && !seen.has(a.id));
      return found !== undefined;
    },
    timeoutMs,
    'a tool call approval',
  );
  seen.add(found!.id);
  return found!;
}

/** Every stored step of a task, every attempt, in order. */
export const stepsOf = (app: BatonApp, runId: string, taskId = 't'): StoredStep[] =>
  app.store.steps.list(runId, taskId);
