import type { AuditEntry } from '../../../src-shared/schemas/memory.ts';
import type { ApprovalKind } from '../../../src-shared/schemas/plain/approval.ts';
import { APPROVAL_KINDS } from '../../../src-shared/schemas/plain/approval.ts';
import { AUDIT_ENTITIES } from '../../../src-shared/schemas/plain/memory.ts';
import type { RunStatus } from '../../../src-shared/schemas/plain/run.ts';
import { RUN_STATUSES } from '../../../src-shared/schemas/plain/run.ts';
import type { SpendGroup } from '../../../src-shared/schemas/plain/spend.ts';
import { SPEND_GROUPS } from '../../../src-shared/schemas/plain/spend.ts';

/** The tabs of a plan's page; the graph and the timeline show its open run. */
export const PLAN_TABS = [
  'graph',
  'timeline',
  'grid',
  'compare',
  'schedules',
  'triggers',
  'versions',
] as const;
export type PlanTab = (typeof PLAN_TABS)[number];
/** The tabs a plan's own address names (the versions have addresses of their own). */
const PLAN_PAGES = ['graph', 'timeline', 'grid', 'compare', 'schedules', 'triggers'] as const;
export type PlanPage = (typeof PLAN_PAGES)[number];

export const SETTINGS_TABS = [
  'webhooks',
  'secrets',
  'notifications',
  'worker-tokens',
  'people',
  'slack',
  'worktrees',
] as const;
export type SettingsTab = (typeof SETTINGS_TABS)[number];

/** What the Runs screen lists: a status, a plan, part of an id or a plan's name. */
export interface RunsFilter {
  status?: RunStatus;
  plan?: string;
  q?: string;
}

/** What the Plans page lists: a search (name, id, tag, owner), a tag, and archived plans or not. */
export interface PlanListFilter {
  q?: string;
  tag?: string;
  archived?: true;
}

/** The Spend screen's time ranges: the last 7, 30, 90 or 365 days (today included), or all time. */
export const SPEND_RANGES = ['7d', '30d', '90d', '365d', 'all'] as const;
export type SpendRange = (typeof SPEND_RANGES)[number];
/** What the Spend screen's table is sorted by: the group, or a figure. */
export const SPEND_SORTS = ['name', 'usd', 'input', 'output', 'cached', 'calls'] as const;
export type SpendSort = (typeof SPEND_SORTS)[number];

/**
 * What the Spend screen shows: a grouping (by day when absent), a range (the last 30 days when
 * neither it nor days are given; `since`/`until`: days, `2026-03-01`, both included, in the
 * viewer's time zone), filters, and the table's sort (by day, or the most spent first, when absent).
 */
export interface SpendFilter {
  by?: SpendGroup;
  range?: SpendRange;
  since?: string;
  until?: string;
  project?: string;
  plan?: string;
  run?: string;
  agent?: string;
  model?: string;
  cli?: string;
  sort?: SpendSort;
  asc?: true;
}

/** The Build logs screen's search: memory entries or the audit log, each with its filters. */
export type LogSearch =
  | {
      tab: 'memory';
      q: string;
      type?: string;
      plan?: string;
      agent?: string;
      tag?: string;
      since?: string;
      until?: string;
    }
  | {
      tab: 'audit';
      q: string;
      about?: AuditEntry['entity'];
      who?: string;
      since?: string;
      until?: string;
    };

/**
 * Every screen and selection the app can show, as its address names it. `formatRoute` writes
 * the address, `parseRoute` reads it back; an address that names nothing is `not-found`.
 */
export type Route =
  /** The Plans screen, with whatever plan it has open. */
  | { screen: 'plans' }
  /** The Plans page: every plan in a table, searched and filtered. */
  | { screen: 'plan-list'; filter: PlanListFilter }
  /** A plan's page: its newest run (if any) on a tab; comparing, the runs compared when picked. */
  | { screen: 'plan'; planId: string; tab: PlanPage; runs?: string[] }
  /** A plan's version history; null: the version before the current one. */
  | { screen: 'versions'; planId: string; version: number | null }
  /** The designer, on a saved plan or on a new one. */
  | { screen: 'edit-plan'; planId: string }
  | { screen: 'new-plan' }
  /** A run on its plan's page, and the task selected in it. */
  | { screen: 'run'; runId: string; taskId: string | null }
  | { screen: 'run-timeline'; runId: string }
  | { screen: 'runs'; filter: RunsFilter }
  /** The inbox: what waits (in the order `sort` says; what unblocks the most work first when absent), or what was decided. */
  | {
      screen: 'approvals';
      approvalId: string | null;
      plan?: string;
      kind?: ApprovalKind;
      show?: 'decided';
      sort?: 'oldest' | 'newest';
    }
  /** My tasks: the tasks of the person you are, or everyone's waiting and held tasks. */
  | { screen: 'mytasks'; scope?: 'everyone' }
  | { screen: 'agents'; agentId: string | null }
  /** Workspaces; `sandboxOf`: that workspace's Sandbox editor opened (where its ports are forwarded). */
  | { screen: 'workspaces'; sandboxOf?: string }
  | { screen: 'projects' }
  /** Spend: what model calls used and cost, grouped, in a range, filtered; budgets against it. */
  | { screen: 'spend'; filter: SpendFilter }
  /** Spend's price table. */
  | { screen: 'spend-prices' }
  | { screen: 'logs'; search: LogSearch }
  | { screen: 'settings'; tab: SettingsTab }
  /** An address that names no screen: `path` as it was asked for. */
  | { screen: 'not-found'; path: string };

/**
 * A path segment for an id. Ids are letters, digits and `. _ : @ -` (idSchema), all but `:` and
 * `@` safe as they are; those two are allowed in a path too, so they stay readable.
 */
const segment = (id: string) => encodeURIComponent(id).replace(/%3A/gi, ':').replace(/%40/g, '@');

/** `?a=1&b=2` from the fields that have a value, in the order given; '' when none has. */
function query(fields: [string, string | undefined][]): string {
  const params = new URLSearchParams();
  for (const [k, v] of fields) if (v) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The address of a route: a path and, for searches and filters, a query. */
export function formatRoute(r: Route): string {
  switch (r.screen) {
    case 'plans':
      return '/';
    case 'plan-list':
      return `/plans${query([
        ['q', r.filter.q],
        ['tag', r.filter.tag],
        ['archived', r.filter.archived ? '1' : undefined],
      ])}`;
    case 'plan':
      return `/plans/${segment(r.planId)}${r.tab === 'graph' ? '' : `/${r.tab}`}${
        r.tab === 'compare' && r.runs?.length ? `?runs=${r.runs.map(segment).join(',')}` : ''
      }`;
    case 'versions':
      return `/plans/${segment(r.planId)}/versions${r.version === null ? '' : `/${r.version}`}`;
    case 'edit-plan':
      return `/plans/${segment(r.planId)}/edit`;
    case 'new-plan':
      return '/new-plan';
    case 'run':
      return `/runs/${segment(r.runId)}${r.taskId === null ? '' : `/tasks/${segment(r.taskId)}`}`;
    case 'run-timeline':
      return `/runs/${segment(r.runId)}/timeline`;
    case 'runs':
      return `/runs${query([
        ['q', r.filter.q],
        ['status', r.filter.status],
        ['plan', r.filter.plan],
      ])}`;
    case 'approvals':
      return `/approvals${r.approvalId === null ? '' : `/${segment(r.approvalId)}`}${query([
        ['show', r.show],
        ['plan', r.plan],
        ['kind', r.kind],
        ['sort', r.sort],
      ])}`;
    case 'mytasks':
      return r.scope === 'everyone' ? '/my-tasks/everyone' : '/my-tasks';
    case 'agents':
      return `/agents${r.agentId === null ? '' : `/${segment(r.agentId)}`}`;
    case 'workspaces':
      return r.sandboxOf === undefined ? '/workspaces' : `/workspaces/${segment(r.sandboxOf)}/sandbox`;
    case 'projects':
      return '/projects';
    case 'spend': {
      const f = r.filter;
      return `/spend${query([
        ['by', f.by],
        ['range', f.range],
        ['since', f.since],
        ['until', f.until],
        ['project', f.project],
        ['plan', f.plan],
        ['run', f.run],
        ['agent', f.agent],
        ['model', f.model],
        ['cli', f.cli],
        ['sort', f.sort],
        ['asc', f.asc ? '1' : undefined],
      ])}`;
    }
    case 'spend-prices':
      return '/spend/prices';
    case 'logs': {
      const s = r.search;
      return s.tab === 'memory'
        ? `/logs${query([
            ['q', s.q],
            ['type', s.type],
            ['plan', s.plan],
            ['agent', s.agent],
            ['tag', s.tag],
            ['since', s.since],
            ['until', s.until],
          ])}`
        : `/logs/audit${query([
            ['q', s.q],
            ['about', s.about],
            ['who', s.who],
            ['since', s.since],
            ['until', s.until],
          ])}`;
    }
    case 'settings':
      return `/settings/${r.tab}`;
    case 'not-found':
      return r.path;
  }
}

/** One of `options`, or undefined for anything else (a filter the address got wrong is dropped). */
const oneOf = <T extends string>(options: readonly T[], v: string | null): T | undefined =>
  options.find((o) => o === v);
const text = (v: string | null): string | undefined => v || undefined;
/** An instant a filter starts or ends at; anything that is not a date is dropped. */
const instant = (v: string | null): string | undefined =>
  v && !Number.isNaN(Date.parse(v)) ? new Date(v).toISOString() : undefined;

/** A day (`2026-03-01`) a range starts or ends on; anything else is dropped. */
const day = (v: string | null): string | undefined =>
  v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) ? v : undefined;

/** The runs compared, `a,b,c` in the address; undefined when none are named. */
const runList = (v: string | null): string[] | undefined => {
  const ids = (v ?? '').split(',').filter((id) => id !== '');
  return ids.length > 0 ? ids : undefined;
};

/**
 * The route an address names: a path with its query (`/runs/r1/tasks/build?x=1`), or a whole
 * URL. A path that names no screen, or an id that cannot be read (a malformed `%` escape), is
 * `not-found`; query fields it does not know, or values a filter cannot take, are ignored.
 */
export function parseRoute(address: string): Route {
  const url = new URL(address, 'http://baton.invalid');
  const asked = url.pathname + url.search;
  const notFound: Route = { screen: 'not-found', path: asked };
  let parts: string[];
  try {
    parts = url.pathname
      .split('/')
      .filter((p) => p !== '')
      .map((p) => decodeURIComponent(p));
  } catch {
    return notFound;
  }
  const q = url.searchParams;
  const [head, id, sub, subId, ...rest] = parts;
  if (rest.length > 0) return notFound;
  switch (head) {
    case undefined:
      return { screen: 'plans' };
    case 'plans':
      if (id === undefined) {
        return {
          screen: 'plan-list',
          filter: dropEmpty({
            q: text(q.get('q')),
            tag: text(q.get('tag')),
            archived: q.get('archived') === '1' ? (true as const) : undefined,
          }),
        };
      }
      if (sub === undefined) return { screen: 'plan', planId: id, tab: 'graph' };
      if (sub === 'edit' && subId === undefined) return { screen: 'edit-plan', planId: id };
      if (sub === 'versions') {
        if (subId === undefined) return { screen: 'versions', planId: id, version: null };
        return /^[1-9]\d{0,8}$/.test(subId)
          ? { screen: 'versions', planId: id, version: Number(subId) }
          : notFound;
      }
      if (subId === undefined) {
        const tab = oneOf(PLAN_PAGES, sub);
        if (tab === 'compare')
          return dropEmpty({ screen: 'plan', planId: id, tab, runs: runList(q.get('runs')) });
        if (tab) return { screen: 'plan', planId: id, tab };
      }
      return notFound;
    case 'new-plan':
      return id === undefined ? { screen: 'new-plan' } : notFound;
    case 'runs':
      if (id === undefined) {
        return {
          screen: 'runs',
          filter: dropEmpty({
            q: text(q.get('q')),
            status: oneOf(RUN_STATUSES, q.get('status')),
            plan: text(q.get('plan')),
          }),
        };
      }
      if (sub === undefined) return { screen: 'run', runId: id, taskId: null };
      if (sub === 'timeline' && subId === undefined) return { screen: 'run-timeline', runId: id };
      if (sub === 'tasks' && subId !== undefined) return { screen: 'run', runId: id, taskId: subId };
      return notFound;
    case 'approvals':
      if (sub !== undefined) return notFound;
      return dropEmpty({
        screen: 'approvals',
        approvalId: id ?? null,
        plan: text(q.get('plan')),
        kind: oneOf(APPROVAL_KINDS, q.get('kind')),
        show: oneOf(['decided'] as const, q.get('show')),
        sort: oneOf(['oldest', 'newest'] as const, q.get('sort')),
      });
    case 'agents':
      return sub === undefined ? { screen: 'agents', agentId: id ?? null } : notFound;
    case 'my-tasks':
      if (id === undefined) return { screen: 'mytasks' };
      return id === 'everyone' && sub === undefined ? { screen: 'mytasks', scope: 'everyone' } : notFound;
    case 'workspaces':
      if (id === undefined) return { screen: 'workspaces' };
      return sub === 'sandbox' && subId === undefined ? { screen: 'workspaces', sandboxOf: id } : notFound;
    case 'projects':
      return id === undefined ? { screen: 'projects' } : notFound;
    case 'spend':
      if (id === 'prices' && sub === undefined) return { screen: 'spend-prices' };
      if (id !== undefined) return notFound;
      return {
        screen: 'spend',
        filter: dropEmpty({
          by: oneOf(SPEND_GROUPS, q.get('by')),
          range: oneOf(SPEND_RANGES, q.get('range')),
          since: day(q.get('since')),
          until: day(q.get('until')),
          project: text(q.get('project')),
          plan: text(q.get('plan')),
          run: text(q.get('run')),
          agent: text(q.get('agent')),
          model: text(q.get('model')),
          cli: text(q.get('cli')),
          sort: oneOf(SPEND_SORTS, q.get('sort')),
          asc: q.get('asc') === '1' ? (true as const) : undefined,
        }),
      };
    case 'logs':
      if (id === undefined) {
        return {
          screen: 'logs',
          search: dropEmpty({
            tab: 'memory',
            q: q.get('q') ?? '',
            type: text(q.get('type')),
            plan: text(q.get('plan')),
            agent: text(q.get('agent')),
            tag: text(q.get('tag')),
            since: instant(q.get('since')),
            until: instant(q.get('until')),
          }),
        };
      }
      if (id === 'audit' && sub === undefined) {
        return {
          screen: 'logs',
          search: dropEmpty({
            tab: 'audit',
            q: q.get('q') ?? '',
            about: oneOf(AUDIT_ENTITIES, q.get('about')),
            who: text(q.get('who')),
            since: instant(q.get('since')),
            until: instant(q.get('until')),
          }),
        };
      }
      return notFound;
    case 'settings': {
      if (sub !== undefined) return notFound;
      if (id === undefined) return { screen: 'settings', tab: 'webhooks' };
      const tab = oneOf(SETTINGS_TABS, id);
      return tab ? { screen: 'settings', tab } : notFound;
    }
    default:
      return notFound;
  }
}

/** What a tab (and the browser's history menu) calls the screen at `r`. */
export function routeTitle(r: Route): string {
  switch (r.screen) {
    case 'plans':
      return 'Plans';
    case 'plan-list':
      return r.filter.q ? `All plans: ${r.filter.q}` : 'All plans';
    case 'plan':
      return r.tab === 'graph'
        ? `Plan ${r.planId}`
        : `Plan ${r.planId}: ${r.tab === 'grid' ? 'runs grid' : r.tab}`;
    case 'versions':
      return r.version === null ? `Plan ${r.planId}: versions` : `Plan ${r.planId}: version ${r.version}`;
    case 'edit-plan':
      return `Editing ${r.planId}`;
    case 'new-plan':
      return 'New plan';
    case 'run':
      return r.taskId === null ? `Run ${r.runId}` : `Task ${r.taskId} in run ${r.runId}`;
    case 'run-timeline':
      return `Run ${r.runId}: timeline`;
    case 'runs':
      return 'Runs';
    case 'approvals':
      if (r.approvalId !== null) return `Approval ${r.approvalId}`;
      return r.show === 'decided' ? 'Approvals: decided' : 'Approvals';
    case 'mytasks':
      return r.scope === 'everyone' ? 'My tasks: everyone’s' : 'My tasks';
    case 'agents':
      return r.agentId === null ? 'Agents' : `Agent ${r.agentId}`;
    case 'workspaces':
      return r.sandboxOf === undefined ? 'Workspaces' : `Sandbox of workspace ${r.sandboxOf}`;
    case 'projects':
      return 'Projects';
    case 'spend':
      return 'Spend';
    case 'spend-prices':
      return 'Spend: prices';
    case 'logs':
      return r.search.q ? `Build logs: ${r.search.q}` : 'Build logs';
    case 'settings':
      return 'Settings';
    case 'not-found':
      return 'No page here';
  }
}

/** The object without its undefined fields, so a parsed route equals the one it was written from. */
export function dropEmpty<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
