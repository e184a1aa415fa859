import type { Agent } from '../schemas/agent.ts';
import type { ApprovalView } from '../schemas/approval.ts';
import type { Landing } from '../schemas/landing.ts';
import type { MemoryEntry } from '../schemas/memory.ts';
import type { Notification } from '../schemas/notification.ts';
import type { PlanSummary } from '../schemas/plan.ts';
import type { Run, TaskLogLine, TaskRun } from '../schemas/run.ts';
import type { Schedule } from '../schemas/schedule.ts';
import type { StoredStep } from '../schemas/step.ts';
import type { Trigger } from '../schemas/trigger.ts';
import type { AgentLimit } from '../schemas/usage-limit.ts';
import type { Webhook, WebhookDelivery } from '../schemas/webhook.ts';
import type { WorkerToken } from '../schemas/worker-token.ts';
import type { TaskSession, Workspace } from '../schemas/workspace.ts';
import type { TerminalOutput } from './domains/terminals.ts';

/** Push events from the host. They travel in batches, never one message per row. */
export interface BatonEvents {
  'run.updated': Run;
  'task.updated': TaskRun;
  /** A line an agent wrote (stdout, stderr, streamed tokens). Never coalesced. */
  'task.log': TaskLogLine;
  'memory.written': MemoryEntry;
  /**
   * An approval was asked, asked again or closed (decided, expired): as `approvals.list` shows it,
   * with the plan, the task and its dependencies, and the kind's own details (a diff, a tool call).
   */
  'approval.changed': ApprovalView;
  'agent.updated': Agent;
  /** The agent with this id was removed: every window drops it (`agents.remove`). */
  'agent.removed': { id: string };
  /** An account hit a usage or rate limit: its agents are limited until `limit.until`. */
  'agent.limited': { limit: AgentLimit; agent_ids: string[] };
  /** An account's limit reset: its agents are available again. */
  'agent.available': { limit: AgentLimit; agent_ids: string[] };
  'plan.updated': PlanSummary;
  /** The plan with this id was deleted (`plans.delete`). */
  'plan.removed': { id: string };
  /** A step of an attempt was recorded, or recorded again (a tool call answered): coalesced per step. */
  'task.step': StoredStep;
  /** A coding task's worktree and session changed (made, session id printed, kept, removed). */
  'session.updated': TaskSession;
  'workspace.updated': Workspace;
  /** A run's branch was pushed, its pull request opened, or the pull request moved (merged, closed, gone). */
  'landing.updated': Landing;
  /** The workspace with this id was forgotten (`workspaces.remove`). */
  'workspace.removed': { id: string };
  /** A webhook was added or changed (`webhooks.add`, `webhooks.update`). */
  'webhook.updated': Webhook;
  'webhook.removed': { id: string };
  /** A delivery of a webhook was queued, attempted, or queued again (`webhooks.redeliver`). */
  'delivery.updated': WebhookDelivery;
  /** A schedule was added, paused, resumed, or moved on by a fire (its next fires, its last run). */
  'schedule.updated': Schedule;
  'schedule.removed': { id: string };
  /** A trigger was created. */
  'trigger.updated': Trigger;
  'trigger.removed': { id: string };
  /** A worker token was made, bound to its worker, used (to the minute) or revoked. */
  'workerToken.updated': WorkerToken;
  /** Something a person may want to hear about while not looking; settings filter the kinds. */
  notification: Notification;
  /**
   * The person clicked a desktop notification the desktop app showed: the window opens what it
   * is about. Sent to the window by the app's main process, never on the bus.
   */
  'notification.opened': Notification;
  /**
   * A terminal opened in a task, its shell ended, or it was closed and decided (`terminals.*`):
   * whoever shows the task asks `terminals.get` again (whose terminal holds it).
   */
  'terminal.changed': { run_id: string; task_id: string };
  /**
   * A terminal's output (or its end) for the desktop window that attached it
   * (`terminals.attach`). Sent to the window by the app's main process, never on the bus.
   */
  'terminal.output': TerminalOutput;
}
export type EventName = keyof BatonEvents;
export type BatonEvent = { [K in EventName]: { name: K; payload: BatonEvents[K] } }[EventName];
export type EventBatch = BatonEvent[];

/** Electron channel names, derived once here for both sides. */
export const IPC_INVOKE_CHANNEL = 'baton:invoke';
export const IPC_EVENTS_CHANNEL = 'baton:events';
