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

/** The palette's groups, in the order it lists them. */
export const PALETTE_GROUPS = ['Actions', 'Screens', 'Waiting for you', 'Plans', 'Runs', 'Agents'] as const;
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

/** The most runs the palette lists (the newest). */
export const PALETTE_RUNS = 50;

const SETTINGS_WORDS: Record<SettingsTab, string> = {
  webhooks: 'Webhooks',
  secrets: 'Secrets',
  notifications: 'Notifications',
  'worker-tokens': 'Worker tokens',
  people: 'People',
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
 * for a decision, every plan, the newest runs, every agent.
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
  for (const r of (s.runs ?? []).slice(0, PALETTE_RUNS))
    items.push({
      id: `run:${r.id}`,
      group: 'Runs',
      label: r.id,
      detail: `${r.plan_id} · ${r.status}`,
      words: [r.plan_id],
      action: { kind: 'go', route: { screen: 'run', runId: r.id, taskId: null } },
    });
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
