import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TempRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import { makeRepo } from '../../src-main/agents/coding/workspaces/testing/temp-repo.ts';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { call, eventually } from '../kit/engine-kit.ts';
import { removeDataDir } from './harness.ts';
import type { InboxPage } from './inbox-page.ts';
import { openInbox } from './inbox-page.ts';

/** One coding task of a scripted ACP agent, running in an app of its own (`startAcpTask`). */
export interface AcpTaskScene {
  app: BatonApp;
  dataDir: string;
  repo: TempRepo;
  runId: string;
  /** Serves the app and opens it in Chromium as `name`, on Approvals (`openInbox`). */
  open(name?: string): Promise<Page>;
  /** The folder of the task's session (its worktree), '' while it has none. */
  sessionDir(): Promise<string>;
  /** Closes the browser, the host and the app, and removes every folder the scene made. */
  close(): Promise<void>;
}

export interface AcpTaskSetup {
  /** Prefix of the temporary folders: the data dir is `baton-<name>-`, the script's `baton-<name>-agent-`. */
  name: string;
  /** The agent's program, written to agent.mjs and run with node. */
  script: string;
  /** The agent as `agents.import` takes it, given the script's path. */
  agent: (script: string) => Record<string, unknown>;
  /** More of the workspace `app` (its checks). */
  workspace?: Record<string, unknown>;
  /** The plan's one task, its id also the plan's. */
  task: { task_id: string; description: string };
  /** What the run must come to before the scene is handed over, and its name for a timeout. */
  ready: (app: BatonApp, runId: string) => Promise<boolean>;
  what: string;
}

/**
 * The start the e2e files about working beside a running agent share (saying something to it,
 * pausing it, stopping its turn from the inbox, its tool call in the inbox): a data dir, the
 * agent's script outside it (the sandbox hides Baton's data dir from the agent), a workspace of one
 * README, the plan of one task, the run started and waited on until `ready`. A start that fails
 * part way removes what it made.
 */
export async function startAcpTask(setup: AcpTaskSetup): Promise<AcpTaskScene> {
  const dataDir = mkdtempSync(join(tmpdir(), `baton-${setup.name}-`));
  const scripts = mkdtempSync(join(tmpdir(), `baton-${setup.name}-agent-`));
  const repo = makeRepo({ 'README.md': '# A sample workspace\n' });
  let app: BatonApp | undefined;
  let inbox: InboxPage | undefined;
  const close = async () => {
    await inbox?.close();
    await app?.close();
    await removeDataDir(dataDir);
    rmSync(scripts, { recursive: true, force: true });
    repo.cleanup();
  };
  try {
    writeFileSync(join(scripts, 'agent.mjs'), setup.script);
    const started = createApp({ dataDir, log: () => {} });
    app = started;
    await call(started, 'workspaces.add', { id: 'app', path: repo.repo, ...setup.workspace });
    await call(started, 'agents.import', { agents: [setup.agent(join(scripts, 'agent.mjs'))] });
    const { task_id } = setup.task;
    await call(started, 'plans.import', {
      plan: { plan_id: task_id, workspace: 'app', tasks: [{ ...setup.task, required_skills: ['code'] }] },
    });
    const { run_id: runId } = await call<{ run_id: string }>(started, 'runs.start', { plan_id: task_id });
    await eventually(() => setup.ready(started, runId), 60_000, setup.what);
    return {
      app: started,
      dataDir,
      repo,
      runId,
      open: async (name = 'Ana') => {
        inbox = await openInbox(started, dataDir, name);
        return inbox.page;
      },
      sessionDir: () => taskSessionDir(started, runId, task_id),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The folder of a task's session (its worktree), '' while it has none. */
export async function taskSessionDir(app: BatonApp, runId: string, taskId: string): Promise<string> {
  const sessions = await call<{ task_id: string; dir: string }[]>(app, 'runs.sessions', { run_id: runId });
  return sessions.find((x) => x.task_id === taskId)?.dir ?? '';
}
