import type { CodingKind, CodingStore, Lander } from '../agents/coding/index.ts';
import type { Terminals } from '../agents/coding/terminal/index.ts';
import type { Engine } from '../engine/engine.ts';
import type { Executor } from '../engine/executor.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { People } from '../people/index.ts';
import type { Reach } from '../reach/index.ts';
import type { WritableSecretStore } from '../secrets/file-store.ts';
import type { SecretResolver } from '../secrets/secrets.ts';
import type { Workers } from '../workers/index.ts';
import type { HandedAnswers } from './handed-answers.ts';
import type { PatternSafety } from './pattern-safety.ts';

/** What every domain's handlers are built from. */
export interface AppContext {
  /** The core's repositories and the coding wing's, over one connection. */
  store: CodingStore;
  engine: Engine;
  /** Decisions decided here, or handed to the process that executes their run. */
  handed: HandedAnswers;
  /** The coding kind: where its worktrees go (the workspaces' handlers). */
  coding: CodingKind;
  bus: EventBus;
  now: () => string;
  /** Baton's own folders no agent reads (its data directory, the registered workspaces). */
  hiddenFolders: () => string[];
  /** Refuses `matches` patterns that can take super-linear time (plans saved, validated, run). */
  patterns: PatternSafety;
  /** For handlers that ask a model directly (the LLM planner). */
  llm?: { executor: Executor; secrets: SecretResolver } | undefined;
  /** Where secrets set through Baton are kept, and the environment the other secrets come from. */
  secrets: { store: WritableSecretStore; env: Record<string, string | undefined> };
  availability?: { probeAll(): Promise<{ id: string; reachable: boolean }[]> } | undefined;
  /** What running a command agent's program once (`agents.test`) needs, as its executor has it. */
  agentTest: { secrets: SecretResolver; resourcesDir: string; hiddenFolders?: () => string[] };
  /** Webhooks, schedules, triggers and notifications (the reach wing). */
  reach: Reach;
  /** Remote workers: their tokens and the `workers.*` handlers (the workers wing). */
  workers: Workers;
  /** People on this Baton: accounts, roles, sessions, tokens (the people wing). */
  people: People;
  /** Landing runs' work: pushes, pull requests, following them (absent: `runs.land` refuses). */
  landing?: Lander | undefined;
  /** Terminals people open in coding tasks' worktrees (`terminals.*`). */
  terminals: Terminals;
}
