import type { Agent } from '../../../../src-shared/schemas/agent.ts';
import type { ApprovalView } from '../../../../src-shared/schemas/approval.ts';
import type { PlanSummary } from '../../../../src-shared/schemas/plan.ts';
import type { Run } from '../../../../src-shared/schemas/run.ts';
import { APPROVAL_KINDS } from '../../approvals/approval-kinds.ts';
import type { Route, SettingsTab } from '../../routes/routes.ts';
import { SETTINGS_TABS } from '../../routes/routes.ts';
import type { View } from '../../views.ts';
import { VIEW_LIST } from '../../views.ts';

/** What choosing a palette entry does: go to an address, or one of the app's actions. */
export type PaletteAction =
  | { kind: 'go'; route: Route }
  | { kind: 'new-plan' }
  | { kind: 'start-run'; planId: string }
  | { kind: 'identity' }
  | { kind: 'keys' };

/** The palette's groups, in the order it lists them ("Recent": what was chosen last, before a search). */
export const PALETTE_GROUPS = [
  'Recent',
  'Actions',
  'Screens',
  'Waiting for you',
  'Plans',
  'Runs',
  'Agents',
] as const;
export type PaletteGroup = (typeof PALETTE_GROUPS)[number];

export interface PaletteItem {
  /** Unique among the items: what the palette filters and picks by (with `words`). */
  id: string;
  group: PaletteGroup;
  label: string;
  /** Said after the label, muted: a run's plan and status, an agent's kind. */
  detail?: string;
  /** More words it is found by (an id, a plan's tags). */
  words?: string[];
  action: PaletteAction;
}

const SETTINGS_WORDS: Record<SettingsTab, string> = {
  webhooks: 'Webhooks',
  secrets: 'Secrets',
  notifications: 'Notifications',
  'worker-tokens': 'Worker tokens',
  people: 'People',
  slack: 'Slack',
  worktrees: 'Worktrees',
};

/** The address of a screen as the sidebar opens it (none for the plan page, reached by a plan). */
function screenAddress(view: View): Route | null {
  switch (view) {
    case 'plans':
      return null;
    case 'planlist':
      return { screen: 'plan-list', filter: {} };
    case 'runs':
      return { screen: 'runs', filter: {} };
    case 'approvals':
      return { screen: 'approvals', approvalId: null };
    case 'mytasks':
      return { screen: 'mytasks' };
    case 'agents':
      return { screen: 'agents', agentId: null };
    case 'spend':
      return { screen: 'spend', filter: {} };
    case 'workspaces':
    case 'projects':
      return { screen: view };
    case 'memory':
      return { screen: 'logs', search: { tab: 'memory', q: '' } };
    case 'settings':
      return { screen: 'settings', tab: 'webhooks' };
  }
}

/**
 * Everything the command palette offers, from what the app holds: every screen (and the audit
 * log, each Settings tab), the actions (new plan, run a plan, who you are, the keys), what waits
 * for a decision, every plan, every run the app has read (the Runs screen's), every agent. A run
 * is found by its id, its plan's id and name, and its status.
 */
export function paletteItems(s: {
  plans: readonly PlanSummary[];
  runs: readonly Run[] | null;
  agents: readonly Agent[];
  pending: readonly ApprovalView[];
}): PaletteItem[] {
  const items: PaletteItem[] = [
    {
      id: 'action:new-plan',
      group: 'Actions',
      label: 'New plan…',
      words: ['create', 'goal', 'scope'],
      action: { kind: 'new-plan' },
    },
    {
      id: 'action:identity',
      group: 'Actions',
      label: 'Change who you are',
      words: ['name', 'identity'],
      action: { kind: 'identity' },
    },
    {
      id: 'action:keys',
      group: 'Actions',
      label: 'Keyboard shortcuts',
      words: ['keys', 'help', '?'],
      action: { kind: 'keys' },
    },
  ];
  for (const p of s.plans)
    if (p.archived_at === null)
      items.push({
        id: `run-plan:${p.plan_id}`,
        group: 'Actions',
        label: `Run ${p.name}`,
        detail: p.plan_id,
        words: ['start', p.plan_id],
        action: { kind: 'start-run', planId: p.plan_id },
      });
  for (const v of VIEW_LIST) {
    const route = screenAddress(v.view);
    if (route)
      items.push({ id: `screen:${v.view}`, group: 'Screens', label: v.label, action: { kind: 'go', route } });
  }
  items.push({
    id: 'screen:audit',
    group: 'Screens',
    label: 'Audit log',
    words: ['who', 'changed', 'history'],
    action: { kind: 'go', route: { screen: 'logs', search: { tab: 'audit', q: '' } } },
  });
  for (const tab of SETTINGS_TABS)
    items.push({
      id: `settings:${tab}`,
      group: 'Screens',
      label: `Settings: ${SETTINGS_WORDS[tab]}`,
      action: { kind: 'go', route: { screen: 'settings', tab } },
    });
  for (const a of s.pending)
    items.push({
      id: `approval:${a.id}`,
      group: 'Waiting for you',
      label: `${APPROVAL_KINDS[a.kind].label}: ${a.task_id}`,
      detail: a.plan_id ?? a.run_id,
      words: [a.id, a.run_id],
      action: { kind: 'go', route: { screen: 'approvals', approvalId: a.id } },
    });
  for (const p of s.plans)
    items.push({
      id: `plan:${p.plan_id}`,
      group: 'Plans',
      label: p.name,
      detail: p.archived_at === null ? p.plan_id : `${p.plan_id} · archived`,
      words: [p.plan_id, ...p.tags],
      action: { kind: 'go', route: { screen: 'plan', planId: p.plan_id, tab: 'graph' } },
    });
  const planNames = new Map(s.plans.map((p) => [p.plan_id, p.name]));
  for (const r of s.runs ?? []) {
    const name = planNames.get(r.plan_id);
    items.push({
      id: `run:${r.id}`,
      group: 'Runs',
      label: r.id,
      detail: `${name ?? r.plan_id} · ${r.status}`,
      words: name ? [r.plan_id, name, r.status] : [r.plan_id, r.status],
      action: { kind: 'go', route: { screen: 'run', runId: r.id, taskId: null } },
    });
  }
  for (const a of s.agents)
    items.push({
      id: `agent:${a.id}`,
      group: 'Agents',
      label: a.name && a.name !== a.id ? a.name : a.id,
      detail: `${a.id} · ${a.kind}`,
      words: [a.id, ...a.skills],
      action: { kind: 'go', route: { screen: 'agents', agentId: a.id } },
    });
  return items;
}

/** The most entries the palette remembers as chosen lately. */
export const RECENT_KEPT = 5;
const RECENT_KEY = 'baton.palette.recent';

/** The ids of the entries chosen lately, the latest first (from the browser's storage). */
export function readRecent(storage: Pick<Storage, 'getItem'> | undefined): string[] {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(RECENT_KEY) ?? '[]');
    return Array.isArray(raw)
      ? raw.filter((x): x is string => typeof x === 'string').slice(0, RECENT_KEPT)
      : [];
  } catch {
    return [];
  }
}

/** Remembers `id` as the latest chosen (once; an action that only opens something is remembered too). */
export function rememberRecent(storage: Pick<Storage, 'getItem' | 'setItem'> | undefined, id: string): void {
  const ids = [id, ...readRecent(storage).filter((x) => x !== id)].slice(0, RECENT_KEPT);
  try {
    storage?.setItem(RECENT_KEY, JSON.stringify(ids));
  } catch {
    // storage full or refused: the palette works without its recent entries
  }
}

/**
 * The Recent group: each remembered entry that still exists (a removed plan's is left out), in
 * the order chosen, under an id of its own so it can be listed beside its group's copy.
 */
export function recentItems(items: readonly PaletteItem[], recent: readonly string[]): PaletteItem[] {
  const byId = new Map(items.map((i) => [i.id, i]));
  return recent.flatMap((id) => {
    const item = byId.get(id);
    return item
      ? [{ ...item, id: `recent:${id}`, group: 'Recent' as const, detail: item.detail ?? item.group }]
      : [];
  });
}
