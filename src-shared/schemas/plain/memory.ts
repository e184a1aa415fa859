/**
 * What an audit entry is about, without zod: the first screen's addresses read it, and zod loads
 * only with a form or a check.
 */

/** What an audit entry is about. */
export const AUDIT_ENTITIES = [
  'run',
  'task',
  'plan',
  'agent',
  'approval',
  'project',
  'webhook',
  'schedule',
  'trigger',
  'worker_token',
  'workspace',
  /** A secret, by name: set or deleted (its value is never in the log). */
  'secret',
  /** A setting of Baton's own (which notifications a person wants, a model's price). */
  'setting',
  /** A person of this Baton: invited, joined, given a role, removed. */
  'person',
  /** A plan's, run's or project's budget (`plan:p1`, `run:r1`, `project:x`), reached by what was charged to it. */
  'budget',
] as const;
