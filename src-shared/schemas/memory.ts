import { z } from 'zod';
import { rangeEdgeSchema } from './common.ts';
import type { DelegatedTask, RunStatus, UnassignedTask } from './run.ts';

/** A memory entry: the seed 000 shape, with an id and times. */
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

/** `content` of a `build_log` entry, exactly as seed 000 writes it. */
export interface BuildLogContent {
  plan_id: string;
  delegated_tasks: DelegatedTask[];
  unassigned_tasks: UnassignedTask[];
  timestamp: string;
}

export interface BuildLogEntry extends MemoryEntry {
  agent_id: 'orchestrator';
  type: 'build_log';
  content: BuildLogContent;
  status: RunStatus;
  task_type: 'build';
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

export interface MemorySearchHit {
  entry: MemoryEntry;
  /** FTS5 snippet with matches wrapped in [[ ]], when a query was given. */
  snippet: string | null;
  /**
   * Set when the hit is a step of an attempt (issue 15: a coding agent's message, tool call,
   * error or result), found by a search with a query: `entry` then has type `step`, id
   * `step:<n>` (readable with `memory.read`) and the step as `content.step`.
   */
  step?: { run_id: string; task_id: string; attempt: number; seq: number };
}

/** What an audit entry is about. */
export const AUDIT_ENTITIES = ['run', 'task', 'plan', 'agent', 'approval', 'project'] as const;

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  entity: (typeof AUDIT_ENTITIES)[number];
  entity_id: string;
  run_id: string | null;
  from_status: string | null;
  to_status: string | null;
  why: string;
}
