import { z } from 'zod';
import { rangeEdgeSchema } from '../../schemas/common.ts';
import type { AuditEntry } from '../../schemas/memory.ts';
import { AUDIT_ENTITIES } from '../../schemas/plain/memory.ts';
import type { HandlersOf } from '../method.ts';
import { method } from '../method.ts';

/** The audit log: every change of a run, a task or an approval, who made it and why. */
export const auditMethods = {
  /**
   * Audit entries: newest first; of a run, or (with task_id) of one task of it and its approvals,
   * oldest first. A search or a filter (what the entry is about, part of who made the change,
   * a time window) lists the newest entries matching all of them.
   */
  'audit.list': method(
    z.strictObject({
      run_id: z.string().optional(),
      task_id: z.string().max(200).optional(),
      query: z.string().max(500).optional(),
      entity: z.enum(AUDIT_ENTITIES).optional(),
      /** Part of who made the change, any case. */
      actor: z.string().max(200).optional(),
      since: rangeEdgeSchema('start').optional(),
      until: rangeEdgeSchema('end').optional(),
      limit: z.number().int().min(1).max(5_000).default(500),
    }),
  ).returns<AuditEntry[]>(),
};

export type AuditHandlers = HandlersOf<typeof auditMethods>;
