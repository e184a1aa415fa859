import { conditionSummary } from './panel-fields.ts';
import type { TaskDraft } from './plan-edit.ts';

/** A setting of a task worth seeing on its card without opening it. */
export interface CardBadge {
  /** What kind of setting: its colour on the card. */
  kind: 'approval' | 'cost' | 'retries' | 'agent' | 'condition' | 'deadline';
  /** Short, on the card. */
  text: string;
  /** In words, its tooltip and what a screen reader says. */
  title: string;
}

/**
 * The settings a card shows as badges, in this order: waits for approval, estimated cost,
 * retries, a pinned agent, a run-only-when condition, a deadline.
 */
export function cardBadges(t: TaskDraft): CardBadge[] {
  const badges: CardBadge[] = [];
  if (t.requires_approval)
    badges.push({
      kind: 'approval',
      text: 'approval',
      title: 'Waits for a person to approve it before it starts',
    });
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
