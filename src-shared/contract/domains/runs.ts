import { z } from 'zod';
import type {
  Artifact,
  BuildResponse,
  ProgressEntry,
  Run,
  RunDetail,
  SpendReport,
  TaskAttempt,
  TaskLogLine,
  TaskRun,
} from '../../schemas/run.ts';
import { startRunInputSchema, taskRefSchema } from '../../schemas/run.ts';
import { actorField, byId } from '../fields.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

export const runMethods = {
  /** Seed 000 build: starts a run of a stored plan and answers with the delegations so far. */
  'runs.start': method(startRunInputSchema).returns<BuildResponse>(),
  'runs.list': method(z.strictObject({ plan_id: z.string().optional() })).returns<Run[]>(),
  'runs.get': method(byId('run_id')).returns<RunDetail>(),
  /** Cancels every task not ended; `actor` (who asked; "user" when absent) is recorded in the audit log. */
  'runs.cancel': method(byId('run_id').extend({ actor: actorField.optional() })).returns<Run>(),
  /** A new run from one task of a finished run: it and its downstream run again, finished work upstream is reused. Retries a failed task. */
  'runs.rerun': method(taskRefSchema).returns<BuildResponse>(),
  /** Cancels one task; `actor` as for `runs.cancel`. The run ends cancelled when nothing else failed. */
  'runs.cancelTask': method(taskRefSchema.extend({ actor: actorField.optional() })).returns<TaskRun>(),
  'runs.taskLogs': method(
    taskRefSchema.extend({
      after_id: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(10_000).default(1_000),
    }),
  ).returns<TaskLogLine[]>(),
  'runs.taskProgress': method(taskRefSchema).returns<ProgressEntry[]>(),
  'runs.taskArtifacts': method(taskRefSchema).returns<Artifact[]>(),
  /** Every attempt of a task, first to latest: its agent, when it ran and how it ended. */
  'runs.taskAttempts': method(taskRefSchema).returns<TaskAttempt[]>(),
  /** An artifact's content: text as UTF-8, anything else as base64; at most 1 MB. */
  'runs.readArtifact': method(z.strictObject({ artifact_id: z.number().int().min(1) })).returns<{
    artifact: Artifact;
    encoding: 'utf8' | 'base64';
    content: string;
    truncated: boolean;
  }>(),
  /**
   * How a run stands in the process that answers: whether it executes the run here, and what its
   * open tasks wait for when nothing in this process will move it on by itself (approvals, human
   * or daemon agents, agents offline), else null. `baton run` follows its run with this.
   */
  'runs.waiting': method(byId('run_id')).returns<RunWaiting>(),
  'runs.spend': method(
    z.strictObject({ scope: z.enum(['run', 'plan', 'project']), id: z.string().min(1).max(200) }),
  ).returns<SpendReport>(),
};

/** What `runs.waiting` answers. */
export interface RunWaiting {
  executing_here: boolean;
  /** The run's open tasks when only people (or agents coming online) can move it on; else null. */
  waiting_for_people: TaskRun[] | null;
}

export type RunHandlers = HandlersOf<typeof runMethods>;
