import type { Agent } from '../../../src-shared/schemas/agent.ts';
import { mayGoToCodingAgent } from '../../../src-shared/schemas/plain/workspace.ts';
import type { PlanInput } from '../../../src-shared/schemas/plan.ts';
import type { Workspace } from '../../../src-shared/schemas/workspace.ts';
import { conditionSummary } from './panel-fields.ts';
import type { TaskDraft } from './plan-edit.ts';

/** A setting of a task worth seeing on its card without opening it. */
export interface CardBadge {
  /** What kind of setting: its colour on the card. */
  kind: 'approval' | 'best_of' | 'checks' | 'lands' | 'cost' | 'retries' | 'agent' | 'condition' | 'deadline';
  /** Short, on the card. */
  text: string;
  /** In words, its tooltip and what a screen reader says. */
  title: string;
}

/** What a card needs to know of the plan and the agents to say how a coding task runs and lands. */
export interface CardContext {
  /** A coding agent may take the task (its coding settings apply). */
  coding: boolean;
  /** The checks of its workspace (the task's or the plan's), when that workspace is known. */
  workspaceChecks?: readonly string[] | undefined;
  land?: PlanInput['land'];
}

/** A task's card context from its plan (how it lands, its workspace), the agents and the workspaces. */
export function cardContext(
  t: TaskDraft,
  plan: { land?: PlanInput['land']; workspace?: string | undefined },
  agents: readonly Agent[],
  workspaces: readonly Pick<Workspace, 'id' | 'checks'>[],
): CardContext {
  const id = t.workspace ?? plan.workspace;
  const ws = id === undefined ? undefined : workspaces.find((w) => w.id === id);
  return {
    coding: mayGoToCodingAgent(t, agents),
    workspaceChecks: ws?.checks?.map((c) => c.name),
    land: plan.land,
  };
}

/** A card context as a key: the same key, the same badges. */
export const cardContextKey = (c: CardContext): string =>
  `${c.coding ? 1 : 0}|${c.land ?? ''}|${c.workspaceChecks?.join(',') ?? '-'}`;

const LANDS: Record<'push' | 'pull_request', { text: string; title: string }> = {
  push: { text: 'lands as push', title: 'Its branch is pushed once a run completes' },
  pull_request: {
    text: 'lands as PR',
    title: 'Its branch is pushed and a pull request opened once a run completes',
  },
};

/**
 * The settings a card shows as badges, in this order: waits for approval; for a coding task,
 * best of N, its checks and how it lands; estimated cost, retries, a pinned agent, a
 * run-only-when condition, a deadline.
 */
export function cardBadges(t: TaskDraft, ctx: CardContext = { coding: false }): CardBadge[] {
  const badges: CardBadge[] = [];
  if (t.requires_approval)
    badges.push({
      kind: 'approval',
      text: 'approval',
      title: 'Waits for a person to approve it before it starts',
    });
  if (ctx.coding) {
    const n = t.attempts ?? 1;
    if (n > 1)
      badges.push({
        kind: 'best_of',
        text: `best of ${n}`,
        title: `${n} candidates run side by side; the best is its work${t.judge ? ` (judge ${t.judge})` : ''}`,
      });
    const checks = t.checks ?? ctx.workspaceChecks;
    if (checks && checks.length > 0)
      badges.push({
        kind: 'checks',
        text: `checks: ${checks.join(', ')}`,
        title: `Runs the checks ${checks.join(', ')} after each attempt; a failing one goes back to the agent`,
      });
    if (ctx.land === 'push' || ctx.land === 'pull_request')
      badges.push({ kind: 'lands', ...LANDS[ctx.land] });
  }
  if (typeof t.estimated_cost === 'number' && t.estimated_cost > 0)
    badges.push({
      kind: 'cost',
      text: `cost ${t.estimated_cost}`,
      title: `Estimated cost ${t.estimated_cost}`,
    });
  const attempts = t.retry?.max_attempts;
  if (typeof attempts === 'number' && attempts > 1)
    badges.push({ kind: 'retries', text: `${attempts} tries`, title: `Tried up to ${attempts} times` });
  if (t.agent)
    badges.push({ kind: 'agent', text: `pinned ${t.agent}`, title: `Always given to agent ${t.agent}` });
  if (t.condition)
    badges.push({
      kind: 'condition',
      text: 'if…',
      title: `Runs only when: ${conditionSummary(t.condition)}`,
    });
  if (t.deadline) badges.push({ kind: 'deadline', text: 'deadline', title: `Due ${t.deadline}` });
  return badges;
}
