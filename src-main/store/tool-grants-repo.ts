import type { ToolGrant } from '../../src-shared/schemas/approval.ts';
import type { Db } from './db.ts';

/**
 * The tools people allowed without asking again (migration 024): per task (`task:<run>/<task>`)
 * or per agent (`agent:<id>`), each by its name as the tool policy matches it.
 */
export function createToolGrantsRepo(db: Db) {
  const allow = db.prepare(`INSERT INTO tool_grants (scope, tool, allowed_by, at, approval_id)
    VALUES (@scope, @tool, @allowed_by, @at, @approval_id)
    ON CONFLICT (scope, tool) DO UPDATE SET allowed_by = excluded.allowed_by, at = excluded.at,
    approval_id = excluded.approval_id`);
  const get = db.prepare<[string, string], ToolGrant>(
    'SELECT * FROM tool_grants WHERE scope = ? AND tool = ?',
  );
  const list = db.prepare<[string], ToolGrant>('SELECT * FROM tool_grants WHERE scope = ? ORDER BY at, tool');
  const forget = db.prepare('DELETE FROM tool_grants WHERE scope = ? AND tool = ?');
  return {
    /** Remembers a tool a person allowed for a scope (again: the newer decision). */
    allow(g: ToolGrant): void {
      allow.run(g);
    },
    /** The grant for this tool in this scope, if a person gave one. */
    get: (scope: string, tool: string): ToolGrant | undefined => get.get(scope, tool),
    /** The tools allowed in a scope, oldest first. */
    allowed: (scope: string): ToolGrant[] => list.all(scope),
    /** Forgets a grant: false when there was none. */
    forget: (scope: string, tool: string): boolean => forget.run(scope, tool).changes > 0,
  };
}
export type ToolGrantsRepo = ReturnType<typeof createToolGrantsRepo>;
