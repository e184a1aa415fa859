import type { Plan, PlanSummary, PlanVersionSummary, StoredPlan } from '../../src-shared/schemas/plan.ts';
import type { Db } from './db.ts';

interface PlanRow {
  id: string;
  name: string;
  project_id: string | null;
  version: number;
  task_count: number;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
  /** The current version's `tags` (JSON) and `owner`, read by SQLite from its body. */
  tags: string | null;
  owner: string | null;
}

/** The `plans` row without what is read from the current version's body. */
type PlanRowAlone = Omit<PlanRow, 'tags' | 'owner'>;

/** A saved version as the store lists it (the app adds whether it is current and what changed). */
export type PlanVersionRow = Pick<
  PlanVersionSummary,
  'version' | 'saved_at' | 'name' | 'task_count' | 'run_count' | 'same_as'
>;

const toSummary = (r: PlanRow): PlanSummary => ({
  plan_id: r.id,
  name: r.name,
  project_id: r.project_id,
  version: r.version,
  task_count: r.task_count,
  created_at: r.created_at,
  updated_at: r.updated_at,
  tags: r.tags ? (JSON.parse(r.tags) as string[]) : [],
  owner: r.owner,
  archived_at: r.archived_at,
});

/**
 * A plan's summary at one version: name, project and task count are that version's own; tags and
 * owner are read from the plan itself (in hand: SQLite need not parse its body for them).
 */
function summaryAt(row: PlanRowAlone, version: number, plan: Plan): PlanSummary {
  const summary = toSummary({ ...row, tags: null, owner: plan.owner ?? null });
  summary.tags = plan.tags ?? [];
  if (version === row.version) return summary;
  summary.version = version;
  summary.name = plan.name ?? plan.plan_id;
  summary.project_id = plan.project_id ?? null;
  summary.task_count = plan.tasks.length;
  return summary;
}

/** A plan at one version. */
function atVersion(row: PlanRowAlone, version: number, plan: Plan): StoredPlan {
  return { ...summaryAt(row, version, plan), plan };
}

export function createPlansRepo(db: Db) {
  // Tags and owner come from the current version's JSON, so listing never parses a body in JS.
  const withBody = `SELECT p.*, json_extract(v.body, '$.tags') AS tags, json_extract(v.body, '$.owner') AS owner
    FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version`;
  const list = db.prepare<[], PlanRow>(`${withBody} ORDER BY p.updated_at DESC, p.id`);
  const get = db.prepare<[string], PlanRow>(`${withBody} WHERE p.id = ?`);
  // The plan's row alone: a plan read whole has its tags and owner in hand.
  const row = db.prepare<[string], PlanRowAlone>('SELECT * FROM plans WHERE id = ?');
  const setArchived = db.prepare<[string | null, string]>('UPDATE plans SET archived_at = ? WHERE id = ?');
  const body = db.prepare<[string, number], { body: string }>(
    'SELECT body FROM plan_versions WHERE plan_id = ? AND version = ?',
  );
  const upsert =
    db.prepare(`INSERT INTO plans (id, name, project_id, version, task_count, created_at, updated_at)
    VALUES (@id, @name, @project_id, @version, @task_count, @now, @now)
    ON CONFLICT(id) DO UPDATE SET name = @name, project_id = @project_id, version = @version,
      task_count = @task_count, updated_at = @now`);
  const addVersion = db.prepare(
    'INSERT INTO plan_versions (plan_id, version, body, created_at) VALUES (?, ?, ?, ?)',
  );
  const del = db.prepare('DELETE FROM plans WHERE id = ?');
  // What keeps a plan from being deleted: its runs (their history reads the plan's versions), and
  // the schedules and triggers (the reach wing's tables) that would start it.
  const holding = db.prepare<[string, string, string], { runs: number; schedules: number; triggers: number }>(
    `SELECT (SELECT count(*) FROM runs WHERE plan_id = ?) AS runs,
       (SELECT count(*) FROM schedules WHERE plan_id = ?) AS schedules,
       (SELECT count(*) FROM triggers WHERE plan_id = ?) AS triggers`,
  );
  // Name and task count come from the stored JSON, so listing never parses a body in JS.
  const versions = db.prepare<[string], PlanVersionRow>(
    `SELECT v.version, v.created_at AS saved_at,
       coalesce(json_extract(v.body, '$.name'), v.plan_id) AS name,
       json_array_length(v.body, '$.tasks') AS task_count,
       (SELECT count(*) FROM runs r WHERE r.plan_id = v.plan_id AND r.plan_version = v.version) AS run_count,
       (SELECT min(w.version) FROM plan_versions w
         WHERE w.plan_id = v.plan_id AND w.version < v.version AND w.body = v.body) AS same_as
     FROM plan_versions v WHERE v.plan_id = ? ORDER BY v.version DESC`,
  );

  // The workspaces each plan's current version names, on the plan or a task, read by SQLite from
  // the stored JSON; a body that never says "workspace" is skipped by a string search, unparsed.
  const namingWorkspaces = db.prepare<[], { plan_id: string; name: string; workspace: string }>(
    `SELECT p.id AS plan_id, p.name, json_extract(v.body, '$.workspace') AS workspace
       FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version
       WHERE instr(v.body, '"workspace"') > 0 AND json_extract(v.body, '$.workspace') IS NOT NULL
     UNION
     SELECT p.id, p.name, json_extract(t.value, '$.workspace')
       FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version,
         json_each(v.body, '$.tasks') t
       WHERE instr(v.body, '"workspace"') > 0 AND json_extract(t.value, '$.workspace') IS NOT NULL`,
  );

  /** The plan saved last, as objects: a run usually starts right after its plan is saved. */
  let recent: { id: string; version: number; plan: Plan } | null = null;

  return {
    list: (): PlanSummary[] => list.all().map(toSummary),
    summary(id: string): PlanSummary | undefined {
      const row = get.get(id);
      return row && toSummary(row);
    },
    /** The plan at a version (the current one by default). */
    get(id: string, version?: number): StoredPlan | undefined {
      const r = row.get(id);
      if (!r) return undefined;
      const want = version ?? r.version;
      if (recent && recent.id === id && recent.version === want) return atVersion(r, want, recent.plan);
      const v = body.get(id, want);
      if (!v) return undefined;
      return atVersion(r, want, JSON.parse(v.body) as Plan);
    },
    /** Which workspace each plan's current version names (on the plan or a task): a row per pair. */
    namingWorkspaces: () => namingWorkspaces.all(),
    /** Every saved version of a plan, newest first; empty when the plan does not exist. */
    versions: (id: string): PlanVersionRow[] => versions.all(id),
    /**
     * Stores the plan as its next version, unless it is the same as the latest one (importing
     * an unchanged file again, as `baton run` does on each run): then that version stands.
     * Call inside a transaction.
     */
    save(plan: Plan, now: string): PlanSummary {
      const latest = row.get(plan.plan_id);
      const json = JSON.stringify(plan);
      if (latest && body.get(plan.plan_id, latest.version)?.body === json)
        return summaryAt(latest, latest.version, plan);
      const version = (latest?.version ?? 0) + 1;
      upsert.run({
        id: plan.plan_id,
        name: plan.name ?? plan.plan_id,
        project_id: plan.project_id ?? null,
        version,
        task_count: plan.tasks.length,
        now,
      });
      addVersion.run(plan.plan_id, version, json, now);
      recent = { id: plan.plan_id, version, plan };
      return summaryAt(row.get(plan.plan_id)!, version, plan);
    },
    /** Archives the plan at `at`, or unarchives it (`at` null); false when there is no such plan. */
    setArchived(id: string, at: string | null): boolean {
      return setArchived.run(at, id).changes > 0;
    },
    /** How many runs, schedules and triggers name the plan. */
    holding: (id: string) => holding.get(id, id, id)!,
    delete(id: string): boolean {
      if (recent?.id === id) recent = null;
      return del.run(id).changes > 0;
    },
  };
}
export type PlansRepo = ReturnType<typeof createPlansRepo>;
