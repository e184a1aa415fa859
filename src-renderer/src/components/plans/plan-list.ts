import { scheduleInWords } from '../../../../src-shared/cron/cron-words.ts';
import type { PlanSummary } from '../../../../src-shared/schemas/plan.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import type { Schedule } from '../../../../src-shared/schemas/schedule.ts';
import type { PlanListFilter } from '../../routes/routes.ts';

/** A plan as the Plans page lists it: the plan, its last run, its next run and its schedules. */
export interface PlanRow {
  plan: PlanSummary;
  lastRun: Run | null;
  /** The soonest fire of its active schedules, in that schedule's zone; null when none fires. */
  nextRun: { at: string; timezone: string; scheduleId: string } | null;
  /** Its schedules in words, active ones first; empty without any. */
  schedules: { id: string; words: string; enabled: boolean }[];
  /** It has schedules and every one of them is paused. */
  paused: boolean;
}

/** Whether the plan's name, id, a tag or its owner holds the search (any case). */
export function planMatches(plan: PlanSummary, q: string): boolean {
  const words = q.trim().toLowerCase();
  if (!words) return true;
  return [plan.name, plan.plan_id, plan.owner ?? '', ...plan.tags].some((t) =>
    t.toLowerCase().includes(words),
  );
}

/** The plans the filter lets through (archived ones only when it asks), each with what the table shows. */
export function planRows(
  plans: readonly PlanSummary[],
  lastRuns: ReadonlyMap<string, Run>,
  schedules: readonly Schedule[],
  filter: PlanListFilter,
): PlanRow[] {
  const byPlan = new Map<string, Schedule[]>();
  for (const s of schedules) byPlan.set(s.plan_id, [...(byPlan.get(s.plan_id) ?? []), s]);
  return plans
    .filter(
      (p) =>
        (filter.archived || p.archived_at === null) &&
        (!filter.tag || p.tags.includes(filter.tag)) &&
        planMatches(p, filter.q ?? ''),
    )
    .map((plan) => {
      const own = byPlan.get(plan.plan_id) ?? [];
      const active = own.filter((s) => s.enabled);
      // An archived plan's schedules fire into a refusal: it has no next run.
      const next =
        plan.archived_at === null
          ? active
              .filter((s) => s.next_fire_at !== null)
              .sort((a, b) => Date.parse(a.next_fire_at!) - Date.parse(b.next_fire_at!))[0]
          : undefined;
      return {
        plan,
        lastRun: lastRuns.get(plan.plan_id) ?? null,
        nextRun: next ? { at: next.next_fire_at!, timezone: next.timezone, scheduleId: next.id } : null,
        schedules: [...active, ...own.filter((s) => !s.enabled)].map((s) => ({
          id: s.id,
          words: scheduleInWords(s.cron, s.timezone),
          enabled: s.enabled,
        })),
        paused: own.length > 0 && active.length === 0,
      };
    });
}

/** Every tag the plans have (archived ones' too when they are shown), sorted. */
export function planTags(plans: readonly PlanSummary[], archived: boolean): string[] {
  const tags = new Set<string>();
  for (const p of plans) if (archived || p.archived_at === null) for (const t of p.tags) tags.add(t);
  return [...tags].sort((a, b) => a.localeCompare(b));
}

/** Ids are at most 128 characters. */
const ID_MAX = 128;

/** A readable id for a copy of plan `id` that no plan has: `id-copy`, then `id-copy-2`, `id-copy-3`… */
export function copyId(id: string, taken: ReadonlySet<string>): string {
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '-copy' : `-copy-${n}`;
    const candidate = id.slice(0, ID_MAX - suffix.length) + suffix;
    if (!taken.has(candidate)) return candidate;
  }
}
