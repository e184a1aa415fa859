import { actorOfCall } from '../../src-shared/contract/caller.ts';
import type { PlanHandlers } from '../../src-shared/contract/domains/plans.ts';
import type { Plan, PlanSummary, PlanVersionSummary, StoredPlan } from '../../src-shared/schemas/plan.ts';
import { budgetScopeOf } from '../../src-shared/schemas/plan.ts';
import type { PlanDiffCounts } from '../../src-shared/schemas/plan-diff.ts';
import { countDiff, diffPlans } from '../../src-shared/schemas/plan-diff.ts';
import { workspaceIssues } from '../agents/coding/index.ts';
import { configChangeEntry } from '../base/config-audit.ts';
import { AppError, invalidInput, toIssues } from '../base/errors.ts';
import { nextTurn } from '../base/turns.ts';
import type { PlanVersionRow } from '../store/plans-repo.ts';
import type { AppContext } from './context.ts';
import { parsePlanSliced, SLICED_PLAN_TASKS } from './plan-parse.ts';

export function planHandlers({ store, bus, now, patterns, coding }: AppContext): PlanHandlers {
  const changeCache = new Map<string, PlanDiffCounts>();
  /** The plan at a version (the current one by default), or a not_found naming what exists. */
  const found = (plan_id: string, version?: number): StoredPlan => {
    const plan = store.plans.get(plan_id, version);
    if (plan) return plan;
    const latest = store.plans.summary(plan_id)?.version;
    if (latest === undefined) throw new AppError('not_found', `plan "${plan_id}" not found`);
    throw new AppError('not_found', `plan "${plan_id}" has no version ${version} (versions 1–${latest})`, {
      field: 'version',
      latest,
    });
  };
  /** What saving `after` over `before` changes, as its audit entry will say it (null: nothing). */
  const planChange = (before: Plan | undefined, after: Plan, actor: string) =>
    configChangeEntry({
      at: now(),
      actor,
      entity: 'plan',
      entity_id: after.plan_id,
      what: `plan "${after.plan_id}"`,
      before,
      after,
      keyed: { tasks: 'task_id' },
    });
  /**
   * A plan saved (a new one, a new version, an earlier one again) in the audit log: its version
   * and every field and task field that changed from the version before (`planChange`).
   */
  const auditPlan = (change: ReturnType<typeof planChange>, version: number, how?: string) => {
    if (!change) return;
    const said = how ? `${how}, as version ${version}` : `version ${version}`;
    const [head, fields] = change.why.split(/: (.*)/s) as [string, string | undefined];
    store.memory.audit({
      ...change,
      at: now(),
      why: fields ? `${head} (${said}): ${fields}` : `${head} (${said})`,
    });
  };
  return {
    'plans.list': () => store.plans.list(),
    'plans.get': ({ plan_id, version }) => found(plan_id, version),
    'plans.spend': ({ plan_id }) => {
      const { plan } = found(plan_id);
      const budget = plan.budget ?? null;
      const budget_scope = budgetScopeOf(plan);
      const spent_all_runs = store.execution.spent('plan', plan_id);
      const unknown_all_runs = store.execution.unknown('plan', plan_id);
      // Runs are listed newest first; per run, the budget weighs the latest one's spend.
      const run_id = store.runs.list(plan_id)[0]?.id ?? null;
      const spent_latest_run = run_id ? store.execution.spent('run', run_id) : 0;
      const unknown_latest_run = run_id ? store.execution.unknown('run', run_id) : 0;
      const across = budget_scope === 'plan';
      const spent = across ? spent_all_runs : spent_latest_run;
      return {
        plan_id,
        budget,
        budget_scope,
        spent,
        unknown: across ? unknown_all_runs : unknown_latest_run,
        remaining: budget === null ? null : budget - spent,
        run_id,
        spent_latest_run,
        unknown_latest_run,
        spent_all_runs,
        unknown_all_runs,
      };
    },
    'plans.versions': ({ plan_id }) => {
      const rows = store.plans.versions(plan_id);
      if (rows.length === 0) throw new AppError('not_found', `plan "${plan_id}" not found`);
      return versionList(changeCache, plan_id, rows, (v) => store.plans.get(plan_id, v)?.plan);
    },
    'plans.restore': async ({ plan_id, version }, call) => {
      const old = found(plan_id, version);
      // A version saved before patterns were checked is not made current with a slow one.
      const unsafe = [...workspaceIssues(coding.store, old.plan), ...(await patterns.planIssues(old.plan))];
      if (unsafe.length > 0)
        throw invalidInput(`plan "${plan_id}" v${old.version} is invalid`, toIssues(unsafe));
      const summary = store.tx(() => {
        const change = planChange(store.plans.get(plan_id)?.plan, old.plan, actorOfCall(null, call));
        const saved = store.plans.save(old.plan, now());
        auditPlan(change, saved.version, `restored from version ${version}`);
        return saved;
      });
      bus.emit('plan.updated', summary);
      return summary;
    },
    'plans.validate': async ({ plan }) => {
      const parsed = await parsePlanSliced(plan);
      const issues = [
        ...(parsed.ok ? [] : parsed.issues),
        ...workspaceIssues(coding.store, plan, { candidates: true }),
        ...(await patterns.planIssues(plan)),
      ];
      return issues.length === 0 ? { ok: true, issues: [] } : { ok: false, issues: toIssues(issues) };
    },
    'plans.import': async ({ plan, new_only }, call) => {
      const parsed = await parsePlanSliced(plan);
      // Every problem at once: a shape error does not hide a slow pattern, nor the reverse.
      const issues = [
        ...(parsed.ok ? [] : parsed.issues),
        ...workspaceIssues(coding.store, plan),
        ...(await patterns.planIssues(plan)),
      ];
      if (!parsed.ok || issues.length > 0) throw invalidInput('plan is invalid', toIssues(issues));
      const id = parsed.plan.plan_id;
      const actor = actorOfCall(null, call);
      // A large plan's changes (every task's fields compared) are worked out on a turn of their
      // own before its write (not on the turn of its last slice and checks), against the version
      // current then; the write works them out again if another version was saved meanwhile.
      // The write itself is one transaction, once the store's writer is done (`whenWriterIdle`):
      // not waiting for it on the thread.
      const savedAs = (p: PlanSummary | undefined) => (p ? `${p.version} ${p.updated_at}` : null);
      let early: { as: string | null; change: ReturnType<typeof planChange> } | null = null;
      if (parsed.plan.tasks.length > SLICED_PLAN_TASKS) {
        await nextTurn();
        const current = store.plans.get(id);
        early = { as: savedAs(current), change: planChange(current?.plan, parsed.plan, actor) };
        await nextTurn();
      }
      const write = () =>
        store.tx(() => {
          const latest = store.plans.summary(id);
          if (new_only && latest) {
            const message = `a plan with the id ${id} exists already: give this one another id`;
            throw new AppError('conflict', `plan_id: ${message}`, { issues: [{ path: 'plan_id', message }] });
          }
          const change =
            early && early.as === savedAs(latest)
              ? early.change
              : planChange(store.plans.get(id)?.plan, parsed.plan, actor);
          const saved = store.plans.save(parsed.plan, now());
          auditPlan(change, saved.version);
          return saved;
        });
      const summary = await store.whenWriterIdle(write);
      bus.emit('plan.updated', summary);
      return summary;
    },
    'plans.archive': ({ plan_id, archived, actor }, call) => {
      const summary = store.tx(() => {
        const before = store.plans.summary(plan_id);
        if (!before) throw new AppError('not_found', `plan "${plan_id}" not found`, { field: 'plan_id' });
        if ((before.archived_at !== null) === archived) return before;
        const at = now();
        store.plans.setArchived(plan_id, archived ? at : null);
        store.memory.audit({
          at,
          actor: actorOfCall(actor, call),
          entity: 'plan',
          entity_id: plan_id,
          run_id: null,
          from_status: archived ? 'active' : 'archived',
          to_status: archived ? 'archived' : 'active',
          why: archived
            ? `plan "${plan_id}" was archived: hidden from the plan lists, and refused a run until unarchived`
            : `plan "${plan_id}" was unarchived`,
        });
        return store.plans.summary(plan_id)!;
      });
      bus.emit('plan.updated', summary);
      return summary;
    },
    'plans.delete': ({ plan_id, actor }, call) => {
      const deleted = store.tx(() => {
        const { runs, schedules, triggers } = store.plans.holding(plan_id);
        const held = [
          runs > 0 && `${runs} run${runs === 1 ? '' : 's'}`,
          schedules > 0 && `${schedules} schedule${schedules === 1 ? '' : 's'}`,
          triggers > 0 && `${triggers} trigger${triggers === 1 ? '' : 's'}`,
        ].filter((x) => x !== false);
        if (held.length > 0) {
          const instead =
            runs > 0
              ? 'archive it instead: its runs stay readable'
              : 'remove its schedules and triggers first';
          throw new AppError('conflict', `plan "${plan_id}" has ${held.join(' and ')}: ${instead}`, {
            field: 'plan_id',
          });
        }
        const gone = store.plans.delete(plan_id);
        if (gone) {
          store.memory.audit({
            at: now(),
            actor: actorOfCall(actor, call),
            entity: 'plan',
            entity_id: plan_id,
            run_id: null,
            from_status: null,
            to_status: 'deleted',
            why: `plan "${plan_id}" was deleted with every version of it`,
          });
        }
        return gone;
      });
      if (deleted) bus.emit('plan.removed', { id: plan_id });
      return { deleted };
    },
  };
}

/** Past this many tasks over the versions to compare, the list leaves out what changed. */
const DIFF_TASK_LIMIT = 50_000;

const CACHE_LIMIT = 10_000;

/**
 * The version list, newest first, each with what changed from the version before.
 * `changeCache` is keyed by `plan@version@saved_at`: versions never change, so each pair is
 * compared once (a plan deleted and imported again saves its versions at other times).
 */
function versionList(
  changeCache: Map<string, PlanDiffCounts>,
  plan_id: string,
  rows: PlanVersionRow[],
  body: (version: number) => Plan | undefined,
): PlanVersionSummary[] {
  const key = (r: PlanVersionRow) => `${plan_id}@${r.version}@${r.saved_at}`;
  // Each version not yet compared with the one before it (rows are newest first).
  const uncounted = rows
    .slice(0, -1)
    .map((after, i) => ({ after, before: rows[i + 1]! }))
    .filter(({ after }) => !changeCache.has(key(after)));
  // The bodies those comparisons need, each counted once.
  const needed = new Map(
    uncounted.flatMap(({ after, before }) => [after, before]).map((r) => [r.version, r]),
  );
  const cost = [...needed.values()].reduce((n, r) => n + r.task_count, 0);
  if (cost <= DIFF_TASK_LIMIT) {
    if (changeCache.size > CACHE_LIMIT) changeCache.clear();
    const plans = new Map([...needed.keys()].map((v) => [v, body(v)]));
    for (const { after, before } of uncounted) {
      const older = plans.get(before.version);
      const newer = plans.get(after.version);
      if (older && newer) changeCache.set(key(after), countDiff(diffPlans(older, newer)));
    }
  }
  const newest = rows[0]!.version;
  return rows.map((r) => ({
    plan_id,
    ...r,
    current: r.version === newest,
    changes: changeCache.get(key(r)) ?? null,
  }));
}
