import type { Positions } from '../graph/layout.ts';

const key = (planId: string) => `baton.positions.${planId}`;

/** Positions a person dragged tasks to, kept per plan in this browser profile. */
export function loadPositions(planId: string): Positions {
  try {
    return JSON.parse(localStorage.getItem(key(planId)) ?? '{}') as Positions;
  } catch {
    return {};
  }
}

export function savePositions(planId: string, positions: Positions): void {
  localStorage.setItem(key(planId), JSON.stringify(positions));
}
