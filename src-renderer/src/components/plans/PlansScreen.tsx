import { lazy } from 'react';
import { useBaton } from '../../store/index.ts';
import { PlansView } from './PlansView.tsx';

const PlanDesigner = lazy(() =>
  import('../designer/PlanDesigner.tsx').then((m) => ({ default: m.PlanDesigner })),
);

/** The Plans screen: the open plan and its runs, or the designer while a draft is edited. */
export function PlansScreen() {
  const editing = useBaton((s) => s.draft !== null);
  return editing ? <PlanDesigner /> : <PlansView />;
}
