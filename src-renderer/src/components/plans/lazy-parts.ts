import { lazy } from 'react';

// Parts of the Plans screen loaded on first use: the plan list becomes interactive before
// React Flow is fetched and evaluated.
export const PlanGraph = lazy(() => import('../graph/PlanGraph.tsx').then((m) => ({ default: m.PlanGraph })));
export const PlanVersions = lazy(() =>
  import('../versions/PlanVersions.tsx').then((m) => ({ default: m.PlanVersions })),
);
export const PlanSchedules = lazy(() =>
  import('../reach/PlanSchedules.tsx').then((m) => ({ default: m.PlanSchedules })),
);
export const PlanTriggers = lazy(() =>
  import('../reach/PlanTriggers.tsx').then((m) => ({ default: m.PlanTriggers })),
);
