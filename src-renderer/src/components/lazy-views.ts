import { lazy } from 'react';

// Views loaded on first use: the plan list becomes interactive before React Flow, zod (the
// designer's validation) and the other screens are fetched and evaluated.
export const PlanGraph = lazy(() => import('./PlanGraph.tsx').then((m) => ({ default: m.PlanGraph })));
export const PlanVersions = lazy(() =>
  import('./PlanVersions.tsx').then((m) => ({ default: m.PlanVersions })),
);
export const PlanDesigner = lazy(() =>
  import('./PlanDesigner.tsx').then((m) => ({ default: m.PlanDesigner })),
);
export const ApprovalsView = lazy(() =>
  import('./ApprovalsView.tsx').then((m) => ({ default: m.ApprovalsView })),
);
export const AgentsView = lazy(() => import('./AgentsView.tsx').then((m) => ({ default: m.AgentsView })));
export const ProjectsView = lazy(() =>
  import('./ProjectsView.tsx').then((m) => ({ default: m.ProjectsView })),
);
export const MemoryView = lazy(() => import('./MemoryView.tsx').then((m) => ({ default: m.MemoryView })));
