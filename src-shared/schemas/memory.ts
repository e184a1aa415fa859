import { z } from 'zod';
import { idSchema, rangeEdgeSchema } from './common.ts';
import { boundedRecordSchema } from './free-json.ts';
import type { AUDIT_ENTITIES } from './plain/memory.ts';
import type { LogStream } from './run.ts';

/** A memory entry: the build module's memory structure (as its build_log has it), with an id and times. */
export interface MemoryEntry {
  id: string;
  agent_id: string;
  type: string;
  content: unknown;
  tags: string[];
  project_id: string | null;
  status: string | null;
  task_type: string | null;
  task_id: string | null;
  created_at: string;
  updated_at: string;
}

export const memorySearchInputSchema = z.strictObject({
  query: z.string().max(500).optional(),
  type: z.string().max(64).optional(),
  plan_id: z.string().max(128).optional(),
  project_id: z.string().max(128).optional(),
  agent_id: z.string().max(128).optional(),
  /** Part of an agent's id, any case: entries of every agent whose id contains it. */
  agent: z.string().max(128).optional(),
  tag: z.string().max(128).optional(),
  since: rangeEdgeSchema('start').optional(),
  until: rangeEdgeSchema('end').optional(),
  limit: z.number().int().min(1).max(1_000).default(100),
});
export type MemorySearchInput = z.input<typeof memorySearchInputSchema>;

/**
 * What an agent may write to memory (`memory.write`): a note. The other types are Baton's own
 * records (a run's `build_log`, a task's `task_result`, a decider's `decision`): an agent's entry
 * never passes for one of them.
 */
export const AGENT_MEMORY_TYPES = ['note'] as const;

/** Who writes Baton's own entries: an agent's entry may not claim to be theirs. */
export const RESERVED_MEMORY_AUTHORS = ['orchestrator', 'decider', 'engine'] as const;

/** Most an agent's entry may hold, as JSON. */
export const MAX_MEMORY_NOTE_BYTES = 64 * 1024;

const memoryTagSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._:@/#+-]*$/u, 'a tag: letters, digits, spaces and . _ : @ / # + -');

export const memoryWriteInputSchema = z.strictObject({
  /** Who writes it (an agent's id or name): the entry's agent_id and its `by:` tag. */
  agent_id: idSchema.refine(
    (id) => !(RESERVED_MEMORY_AUTHORS as readonly string[]).includes(id),
    `is one of Baton's own writers (${RESERVED_MEMORY_AUTHORS.join(', ')}): name the agent that writes this entry`,
  ),
  type: z
    .enum(AGENT_MEMORY_TYPES, {
      error: (issue) =>
        `an agent writes entries of type ${AGENT_MEMORY_TYPES.map((t) => `"${t}"`).join(', ')}; ${JSON.stringify(issue.input)} is not one (build_log, task_result and decision entries are Baton's own)`,
    })
    .default('note'),
  /** Text, or a JSON object. */
  content: z
    .union([z.string().min(1, 'must not be empty'), boundedRecordSchema], {
      message: 'must be text or a JSON object',
    })
    .superRefine((c, ctx) => {
      // Stored and searched as JSON: what JSON cannot hold (a BigInt, a cycle) is refused here.
      let bytes: number;
      try {
        bytes = new TextEncoder().encode(JSON.stringify(c)).length;
      } catch (err) {
        ctx.addIssue({
          code: 'custom',
          message: `must be JSON (${err instanceof Error ? err.message : err})`,
        });
        return;
      }
      if (bytes > MAX_MEMORY_NOTE_BYTES)
        ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_MEMORY_NOTE_BYTES} bytes as JSON` });
    }),
  tags: z.array(memoryTagSchema).max(20, 'at most 20 tags').default([]),
  /** What it is about: a run (its plan and project follow), else a plan, else a project. */
  run_id: z.string().min(1).max(200).optional(),
  task_id: idSchema.optional(),
  plan_id: idSchema.optional(),
  project_id: idSchema.optional(),
});
export type MemoryWriteInput = z.input<typeof memoryWriteInputSchema>;

export interface MemorySearchHit {
  entry: MemoryEntry;
  /** FTS5 snippet with matches wrapped in [[ ]], when a query was given. */
  snippet: string | null;
  /**
   * Set when the hit is a step of an attempt (a coding agent's message, tool call,
   * error or result), found by a search with a query: `entry` then has type `step`, id
   * `step:<n>` (readable with `memory.read`) and the step as `content.step`.
   */
  step?: { run_id: string; task_id: string; attempt: number; seq: number };
  /**
   * Set when the hit is a line a task printed (its stdout or stderr, or a note Baton logged), found by a search with a
   * query: `entry` then has type `task_log`, id `log:<n>` (readable with `memory.read`), the
   * line as `content.text`, and tags naming its plan and run.
   */
  log?: { run_id: string; task_id: string; attempt: number; stream: LogStream };
}

export type AuditEntity = (typeof AUDIT_ENTITIES)[number];

/**
 * One field a person changed, as the audit log keeps it: its path (`sandbox.mode`,
 * `env.API_KEY`, `tasks.build.description`) and its value before and after in words (JSON for
 * what is not text, cut at 300 characters); null: it was not set (or is no longer). A value that
 * may hold a secret (an environment variable's, a password's, a token's) is never written:
 * `(hidden)` stands for it.
 */
export interface AuditChange {
  field: string;
  from: string | null;
  to: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  entity: AuditEntity;
  entity_id: string;
  run_id: string | null;
  from_status: string | null;
  to_status: string | null;
  why: string;
  /** What a person changed, field by field (an agent, a workspace, a plan…); absent for the engine's transitions. */
  changes?: AuditChange[];
}
