import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TerminalOutput } from '../../src-shared/contract/domains/terminals.ts';
import { codingStore, createAttemptLinks, createLander } from '../agents/coding/index.ts';
import type { AgentHold } from '../agents/coding/terminal/index.ts';
import { createTerminals, pauseHold } from '../agents/coding/terminal/index.ts';
import type { AttemptLog } from '../agents/index.ts';
import {
  createAgentCallbacks,
  createAgentKinds,
  createDecide,
  DEFAULT_RESOURCES,
  KIND_TRAITS,
} from '../agents/index.ts';
import { BackgroundWork } from '../base/background.ts';
import { setEngineV8Flags } from '../base/engine-env.ts';
import type { ErrorLog } from '../base/log-line.ts';
import { logToStderr } from '../base/log-line.ts';
import type { Clock, Ids } from '../engine/clock.ts';
import { systemClock } from '../engine/clock.ts';
import { Engine } from '../engine/engine.ts';
import type { ExecutorRegistry } from '../engine/executor.ts';
import { EventBus } from '../events/event-bus.ts';
import { FORGES } from '../forges/index.ts';
import type { SessionLimits } from '../people/index.ts';
import { createPeople } from '../people/index.ts';
import type { ReachOptions } from '../reach/index.ts';
import { createReach } from '../reach/index.ts';
import { endSandboxWhenIdle, sandboxStatus, sandboxStatusOnceAsked } from '../sandbox/index.ts';
import type { WritableSecretStore } from '../secrets/file-store.ts';
import { createFileSecretStore, SECRETS_FILE } from '../secrets/file-store.ts';
import { heldSecrets } from '../secrets/held.ts';
import { createSecretResolver } from '../secrets/secrets.ts';
import { startCheckpointer } from '../store/checkpointer.ts';
import { DB_FILE, openDatabase } from '../store/db.ts';
import { keptKey } from '../store/kept-key.ts';
import { createStore } from '../store/store.ts';
import { createTraceExport } from '../telemetry/trace-export.ts';
import { createWorkers } from '../workers/index.ts';
import { approvalViews, decideWith } from './approvals.ts';
import { createAvailability } from './availability.ts';
import { ATTEMPTS_STOP_CAP_MS, removeScratch, stoppedWithin } from './closing.ts';
import { createDispatch } from './dispatch.ts';
import { HandedAnswers } from './handed-answers.ts';
import { createPatternSafety } from './pattern-safety.ts';
import { refuseUnsafeRun } from './runs.ts';
import { createHandlers } from './service.ts';

export interface AppOptions {
  /** A data directory, or ':memory:' for tests. */
  dataDir: string;
  clock?: Clock;
  ids?: Ids;
  executors?: Partial<ExecutorRegistry>;
  /**
   * Where secrets set through Baton are kept: the desktop app passes its keychain-encrypted file;
   * by default `secrets.json` in the data directory, mode 0600, values not encrypted.
   */
  secretStore?: WritableSecretStore;
  /** Baton's resources folder (`{resources}` in command agents' args); the source tree's by default. */
  resourcesDir?: string;
  /** Probe endpoint agents periodically (the hosts turn this on; tests probe by hand). */
  probeAgents?: boolean;
  probeIntervalMs?: number;
  /** Most tasks running at once across all runs (the engine's global limit; 512 by default). */
  maxInFlight?: number;
  /** Wall time an engine tick may spend before it leaves the rest to the next (10 ms; tests lower it). */
  tickTimeMs?: number;
  /** Finished coding worktrees each workspace keeps parked for the next attempt (the coding kind's, 2 by default; 0: none). */
  parkedWorktrees?: number;
  /**
   * Resume unfinished runs at start, and take up any whose process dies later (the default;
   * the long-lived hosts). False: leave other processes' runs alone.
   */
  resume?: boolean;
  /** How long a run's lease lasts unrenewed (30 s by default; tests shorten it). */
  leaseTtlMs?: number;
  /** How long a remote worker holds a task without a heartbeat (8 s by default, four beats; `--worker-lease`). */
  workerLeaseMs?: number;
  /** How often a run's build log is written again while it changes (250 ms by default; tests set it). */
  buildLogIntervalMs?: number;
  /**
   * Export every attempt's steps as OpenTelemetry GenAI spans to this OTLP/HTTP traces endpoint
   * (`src-main/telemetry/`); default: `BATON_OTLP_TRACES_URL`, none when unset.
   */
  traceExport?: { url: string; headers?: Record<string, string>; version?: string };
  /**
   * Where errors nobody waits to hear of go (background work, a request's unexpected error):
   * one line on stderr by default (`logToStderr`).
   */
  log?: ErrorLog;
  /** How long `close()` waits for the attempts' executors to stop (10 s); past it, logged, it goes on. */
  closeWaitMs?: number;
  /**
   * Landing runs' work: how often open pull requests are polled (first after `follow.firstMs`,
   * doubling to `follow.maxMs`; default 30 s to 30 min), how often the due ones are looked for
   * (`tickMs`, default 5 s), and the link back to a run a pull request's body gives.
   */
  landing?: {
    follow?: { firstMs: number; maxMs: number };
    tickMs?: number;
    runUrl?: (runId: string) => string | null;
  };
  /**
   * Where the one line saying the OS sandbox cannot run on this machine goes, at start (stderr by
   * default; an app without a data directory says nothing).
   */
  sandboxNotice?: (line: string) => void;
  /**
   * A data directory's store writes the engine's ticks behind it, on a thread of its own
   * (`WriteBehind`, docs/speed.md). On by default; `BATON_WRITE_BEHIND=0` turns it off.
   */
  writeBehind?: boolean;
  /**
   * Webhooks sent and schedules fired here: on where unfinished runs are resumed
   * (the app, `baton serve`) unless `enabled` says otherwise.
   */
  reach?: Partial<ReachOptions>;
  /**
   * Holding a task's agent while a person types in its terminal (docs/take-over.md). Absent: the
   * engine's Pause, waited on until the stopped turn has ended.
   */
  agentHold?: AgentHold;
  /** Where a terminal the desktop window attached sends its output: the desktop app's window (`terminals.attach`). */
  terminalOutput?: (out: TerminalOutput) => void;
  /** How long a browser session lasts unused and at most (7 and 30 days by default; tests shorten them). */
  sessions?: SessionLimits;
}

/** Where the one-time links' signing key is kept in the data directory. */
export const LINK_KEY_FILE = 'link-key';

/** When the sandbox is looked at, if nothing asked before: after the host's start and the UI's first screen. */
const SANDBOX_CHECK_AFTER_MS = 10_000;

/** The composition root shared by the Electron shell, the browser host, the CLI and tests. */
export function createApp(opts: AppOptions) {
  setEngineV8Flags();
  const log = opts.log ?? logToStderr;
  const db = openDatabase(opts.dataDir);
  const checkpointer =
    opts.dataDir === ':memory:'
      ? null
      : startCheckpointer(db, join(opts.dataDir, DB_FILE), { log, startAfterMs: 1_000 });
  // The core's repositories, and the coding wing's tables over the same connection (the engine keeps sessions in them).
  const store = codingStore(
    createStore(
      db,
      checkpointer?.afterCommit,
      opts.dataDir === ':memory:' || !(opts.writeBehind ?? process.env.BATON_WRITE_BEHIND !== '0')
        ? {}
        : { behindFile: join(opts.dataDir, DB_FILE) },
    ),
  );
  // An approval's event carries its view (plan, task, dependencies, details), as the inbox lists it.
  const views = approvalViews(store);
  const bus = new EventBus(log, views.one);
  const clock = opts.clock ?? systemClock;
  const now = () => new Date(clock.now()).toISOString();
  let closed = false;
  let closing: Promise<void> | null = null;
  // An app without a data directory keeps its attempts' folders and worktrees in a temp folder of
  // its own, removed with it (one per app: two in one process never share or remove each other's).
  const scratch = opts.dataDir === ':memory:' ? mkdtempSync(join(tmpdir(), 'baton-memory-')) : null;
  // Served by the browser host when one runs (http agents post results there); else unused.
  const agentCallbacks = createAgentCallbacks();
  // Served by the browser host's /mcp when one runs: coding CLIs reach Baton's MCP server as their attempt.
  const mcpLinks = createAttemptLinks();
  // A line for an attempt that may have ended (how telling an http agent to stop went), written
  // in the background of that attempt: a line the disk has no room for is logged, not thrown.
  const attemptLines = new BackgroundWork("writing an attempt's log line", log);
  const attemptLog: AttemptLog = (l) =>
    attemptLines.run(() => {
      if (closed) return;
      const line = { ...l, stream: 'info' as const, at: now() };
      bus.emit('task.log', { id: store.execution.addLog(line), ...line });
    });
  // What no agent process reads, besides its sandbox policy's: Baton's data directory (its
  // database, tokens and every attempt's folder; a process's own folder in it stays open) and the
  // registered workspaces (a coding attempt's own stays open to its setup command).
  // (Asked at each attempt, once the coding kind below holds the workspaces.)
  const hiddenFolders = () => [scratch ?? opts.dataDir, ...coding.store.workspaces.list().map((w) => w.path)];
  // Every agent kind, built once (the agents wing's registry): the executors the engine runs
  // attempts with, and the coding kind with the engine's hooks and where its worktrees go.
  const { kinds, executors } = createAgentKinds(
    {
      hiddenFolders,
      agentCallbacks,
      mcpLinks,
      attemptLog,
      // A reset a model server gives as a time is measured on the engine's clock.
      engineNow: () => clock.now(),
      ...(opts.resourcesDir ? { resourcesDir: opts.resourcesDir } : {}),
    },
    {
      store,
      bus,
      iso: now,
      log,
      worktreeRoot: join(scratch ?? opts.dataDir, 'worktrees'),
      ...(opts.parkedWorktrees !== undefined ? { parkedWorktrees: opts.parkedWorktrees } : {}),
    },
    opts.executors,
  );
  const { coding } = kinds;
  const secretStore =
    opts.secretStore ?? createFileSecretStore(join(scratch ?? opts.dataDir, SECRETS_FILE), null);
  const secrets = createSecretResolver(process.env, secretStore);
  const decide = createDecide({ agentOf: (id) => store.agents.get(id), llm: executors.llm, secrets });
  const traceUrl = opts.traceExport?.url ?? process.env.BATON_OTLP_TRACES_URL;
  const traces = traceUrl
    ? createTraceExport(
        {
          url: traceUrl,
          version: opts.traceExport?.version ?? 'unknown',
          ...(opts.traceExport?.headers ? { headers: opts.traceExport.headers } : {}),
        },
        log,
      )
    : null;
  const engine = new Engine({
    ...(traces
      ? {
          attemptEnded: (a: {
            run_id: string;
            task_id: string;
            attempt: number;
            agent_id: string | null;
          }) => {
            if (closed) return;
            traces.attempt({ ...a, steps: store.steps.list(a.run_id, a.task_id, a.attempt) });
          },
        }
      : {}),
    decide,
    store,
    bus,
    clock,
    executors,
    kindTraits: KIND_TRAITS,
    secrets,
    workspaceRoot: join(scratch ?? opts.dataDir, 'workspaces'),
    ...(opts.ids ? { ids: opts.ids } : {}),
    ...(opts.maxInFlight !== undefined ? { maxInFlight: opts.maxInFlight } : {}),
    ...(opts.tickTimeMs !== undefined ? { tickTimeMs: opts.tickTimeMs } : {}),
    ...(opts.leaseTtlMs !== undefined ? { leaseTtlMs: opts.leaseTtlMs } : {}),
    ...(opts.workerLeaseMs !== undefined ? { workerLeaseMs: opts.workerLeaseMs } : {}),
    ...(opts.buildLogIntervalMs !== undefined ? { buildLogIntervalMs: opts.buildLogIntervalMs } : {}),
    log,
  });
  const availability = createAvailability({ store, engine, bus, now, log });
  const reach = createReach({
    store,
    bus,
    clock,
    secrets,
    log,
    // As `runs.start` does: the plan's patterns and workspaces checked, then the engine.
    startRun: async (plan_id, inputs, actor, alongside) => {
      await refuseUnsafeRun({ store, patterns, coding }, plan_id);
      return store.whenWriterIdle(() => engine.startRun(plan_id, actor, inputs, alongside));
    },
    // What a `github_issues` trigger watches: the workspace's forge, when Baton reads its issues (GitHub's).
    forgeOf: (id) => {
      const w = store.workspaces.get(id);
      if (!w) return `no workspace "${id}"`;
      const forge = w.remote?.forge;
      const issues = forge ? FORGES[forge.kind].issues : null;
      if (!forge || issues === null)
        return `workspace "${id}" has no GitHub forge (its remote, on the Workspaces screen)`;
      return { ...forge, issues };
    },
    landingsOf: (runId) => store.landings.forRun(runId),
    // What push and Slack tell of an approval and whom: read when they tell it (people come below).
    approval: (id) => {
      const a = store.approvals.get(id);
      return a ? views.one(a) : null;
    },
    person: (id) => people.get(id),
    mintLink: (approvalId, personId) => people.links.mint(approvalId, personId),
    dataDir: scratch === null ? opts.dataDir : null,
    options: { enabled: opts.resume !== false, ...opts.reach },
  });
  const patterns = createPatternSafety();
  // A worker is told the data directory, to hide it from its agents when it runs on this machine.
  const workers = createWorkers({ store, engine, bus, clock, dataDir: scratch ?? opts.dataDir });
  // A done run's work lands as its plan says; open pull requests are followed across restarts.
  const landing = createLander(
    {
      store,
      bus,
      now,
      clock: () => clock.now(),
      secrets,
      held: {
        secrets: () =>
          heldSecrets({
            stored: () => secretStore.names(),
            env: process.env,
            resolver: secrets,
            configs: () => [...store.agents.list(), ...store.workspaces.list()],
            serverFile: join(opts.dataDir, 'server.json'),
          }),
        tokenOf: (candidate) => {
          const name = workers.tokens.nameOf(candidate);
          return name === null ? null : `worker token "${name}"`;
        },
      },
      log,
      runUrl: opts.landing?.runUrl,
      follow: opts.landing?.follow ?? { firstMs: 30_000, maxMs: 30 * 60_000 },
      // A pull request's fix round: a re-run from its task, in the same CLI session.
      rerun: (runId, taskId, alongside) => engine.rerunFrom(runId, taskId, 'github', alongside).run_id,
      // A run an issue started closes it with its pull request; a signed `issues` webhook reads the issues at once.
      issueOf: (runId) => reach.triggers.repo.issueOfRun(runId) ?? null,
      issuesDelivered: (workspaceId) => reach.issues.pollNow(workspaceId),
    },
    {
      enabled: opts.resume !== false,
      ...(opts.landing?.tickMs !== undefined ? { tickMs: opts.landing.tickMs } : {}),
    },
  );
  // People, their sessions and tokens (src-main/people/): every call's caller is one of them.
  const people = createPeople({
    db: store.db,
    now: () => clock.now(),
    audit: (e) =>
      store.memory.audit({
        at: now(),
        actor: e.actor,
        entity: 'person',
        entity_id: e.entity_id,
        run_id: null,
        from_status: e.from,
        to_status: e.to,
        why: e.why,
      }),
    ...(opts.sessions ? { sessions: opts.sessions } : {}),
    // One-time links are signed with a key kept in the data directory (0600), made at the first link.
    ...(scratch === null
      ? {
          linkKey: () =>
            Buffer.from(
              keptKey(
                opts.dataDir,
                LINK_KEY_FILE,
                () => randomBytes(32).toString('base64url'),
                (k) => /^[A-Za-z0-9_-]{43}$/.test(k),
              ),
              'base64url',
            ),
        }
      : {}),
  });
  // Terminals people open in coding tasks' worktrees, in their agent's sandbox (docs/take-over.md).
  const terminals = createTerminals({
    store,
    secrets,
    hiddenFolders,
    bus,
    now,
    audit: (e) =>
      store.memory.audit({
        at: now(),
        actor: e.actor,
        entity: 'task',
        entity_id: e.task_id,
        run_id: e.run_id,
        from_status: null,
        to_status: e.to,
        why: e.why,
      }),
    say: (runId, taskId, text, by) => engine.say(runId, taskId, text, by),
    cancelTask: (runId, taskId, by) => void engine.cancelTask(runId, taskId, by),
    // Pause holds the agent while a person types: stopped, its turn ended, before the terminal opens.
    hold:
      opts.agentHold ??
      pauseHold(engine, (runId, taskId) => store.runs.tasks(runId).find((t) => t.task_id === taskId)),
    desktopOutput: opts.terminalOutput,
  });
  // Decisions on runs another process executes go to it through the store (`handed-answers.ts`).
  const handed = new HandedAnswers(store, engine, bus, decideWith(store, engine, views.decidersFor), log);
  const handlers = createHandlers({
    handed,
    terminals,
    hiddenFolders,
    people,
    workers,
    availability,
    patterns,
    secrets: { store: secretStore, env: process.env },
    store,
    engine,
    coding,
    bus,
    now,
    llm: executors.llm ? { executor: executors.llm, secrets } : undefined,
    agentTest: { secrets, resourcesDir: opts.resourcesDir ?? DEFAULT_RESOURCES, hiddenFolders },
    reach,
    landing,
  });
  const dispatch = createDispatch(handlers, log, { dataDir: opts.dataDir, callOf: people.callOf });
  // Slack's clicks decide through the contract, as the person who clicked.
  reach.decideThrough(dispatch);
  if (opts.resume !== false) {
    engine.resumeUnfinished();
    engine.watchUnfinished();
  }
  if (opts.dataDir !== ':memory:') handed.start();
  if (opts.probeAgents) availability.start(opts.probeIntervalMs);
  let sandboxCheck: NodeJS.Timeout | undefined;
  if (opts.dataDir !== ':memory:' || opts.sandboxNotice) {
    const notice = opts.sandboxNotice ?? ((line: string) => process.stderr.write(`${line}\n`));
    void sandboxStatusOnceAsked().then((s) => {
      if (!s.available && !closed)
        notice(
          `baton: the OS sandbox cannot run here: ${s.problem}. Agents whose sandbox is required are refused.`,
        );
    });
    // Asked once the start is over (the first sandboxed program asks sooner): a command that
    // ends before does not load the library at all.
    sandboxCheck = setTimeout(() => void sandboxStatus(), SANDBOX_CHECK_AFTER_MS).unref();
  }
  reach.start();
  landing.start();
  return {
    store,
    bus,
    engine,
    /** The coding kind: where its worktrees go, and `worktreesSettled` (their cleanups over). */
    coding,
    handlers,
    dispatch,
    agentCallbacks,
    mcpLinks,
    reach,
    /** Landing runs' work (pushes, pull requests) and following the pull requests. */
    landing,
    /** People on this Baton: the hosts prove callers with its sessions and tokens. */
    people,
    /** Terminals in coding tasks' worktrees: the browser host serves their sockets. */
    terminals,
    /** An approval as the inbox shows it, or null (what a one-time link opens). */
    approvalView: (id: string) => {
      const a = store.approvals.get(id);
      return a ? views.one(a) : null;
    },
    /** The tokens remote workers present instead of the UI's (the browser host checks them). */
    workerTokens: workers.tokens,
    /** What remote workers' work signal asks (the browser host's `workerSignal`): who waits for work, who left. */
    workerPresence: workers.presence,
    /** The trace export, when one is configured (`flush` sends what is batched). */
    traces,
    /**
     * Stops everything at once: no run moves on, no agent goes on, nothing new starts. What the
     * runs that ended here left to do with their worktrees (parked or removed, work in progress
     * committed: the coding kind's `WorktreeCleanup`) is finished first, then the database is closed: every process
     * that ends a run (the app, `baton serve`, `baton run`, `baton approve`) leaves its worktrees
     * as the run's end says, never a checkout per run. The promise settles when the store's
     * checkpoint worker has closed its connection too. Until then that thread may still write
     * the data directory (as the last connection it copies the WAL into baton.db and removes it;
     * one still starting opens the database first): await it before removing or moving the
     * directory. Called again, it answers the same promise.
     */
    close(): Promise<void> {
      if (closing) return closing;
      closed = true;
      clearTimeout(sandboxCheck);
      handed.stop();
      reach.stop();
      landing.stop();
      traces?.shutdown().catch((err: unknown) => log(err, 'shutting down the trace export'));
      availability.stop();
      patterns.close();
      // The agents' programs end (SIGKILL once their grace is over) before the database closes:
      // none outlives the app, and no attempt still stopping finds its database closed.
      const attempts = stoppedWithin(engine.close(), opts.closeWaitMs ?? ATTEMPTS_STOP_CAP_MS, log);
      // People's terminals' shells end before the sandbox's session does.
      const shells = terminals.closeAll().catch((err: unknown) => log(err, 'closing terminals'));
      const ends = [coding.worktreesSettled(), landing.settled(), shells, attempts];
      closing = Promise.all(ends).then(async () => {
        // The sandbox's proxies would keep the process alive (`baton run` ends by itself).
        await endSandboxWhenIdle().catch((err: unknown) => log(err, "ending the sandbox's session"));
        if (scratch) removeScratch(scratch, log);
        // The store's writer first writes what it was handed, then closes its connection.
        const written = store.stopWriter();
        const stopped = checkpointer ? checkpointer.stop() : Promise.resolve();
        db.close();
        await Promise.all([written, stopped]);
      });
      return closing;
    },
  };
}
export type BatonApp = ReturnType<typeof createApp>;
