import { lazyRetry } from '../shared/lazy-retry.ts';

// Parts of the Plans screen loaded on first use: the plan list becomes interactive before
// React Flow is fetched and evaluated; fetched again on "Try again" when the host was not reachable.
export const PlanGraph = lazyRetry(() =>
  import('../graph/PlanGraph.tsx').then((m) => ({ default: m.PlanGraph })),
);
export const PlanVersions = lazyRetry(() =>
  import('../versions/PlanVersions.tsx').then((m) => ({ default: m.PlanVersions })),
);
export const PlanSchedules = lazyRetry(() =>
  import('../reach/PlanSchedules.tsx').then((m) => ({ default: m.PlanSchedules })),
);
export const PlanTriggers = lazyRetry(() =>
  import('../reach/PlanTriggers.tsx').then((m) => ({ default: m.PlanTriggers })),
);
