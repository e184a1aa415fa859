/**
 * Desktop and browser notifications: what a person is told when they are not looking
 * at Baton. Each kind can be turned off in settings; all are on until then.
 */
export const NOTIFICATION_KINDS = [
  /** An approval waits for a decision (tool calls and diff reviews included, as they are approvals). */
  'approval_waiting',
  /** A task waits in My tasks: ready, and only a person (a human agent) can take it. */
  'task_waiting',
  'run_failed',
  'run_completed',
  /** A task would pass its plan's or project's budget and waits for approval. */
  'budget_exceeded',
  /** What was charged to a plan's, run's or project's budget reached it (once per budget). */
  'budget_reached',
  /** An agent's account hit a usage or rate limit: told once for the account, with its reset. */
  'agent_limited',
  /** A limited account's reset came: its agents take work again. */
  'agent_available',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  /** The audit entry it comes from: the same notification is never told twice. */
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  at: string;
  /** What clicking it opens. */
  target: {
    run_id: string | null;
    approval_id: string | null;
    task_id: string | null;
    /** A reached budget's spend (`project:x`, `plan:p`, `run:r`): clicking it opens Spend on it. */
    budget?: string;
    /** A limited or available agent: clicking it opens its row on the Agents screen. */
    agent?: string;
  };
}

export type NotificationSettings = Record<NotificationKind, boolean>;
