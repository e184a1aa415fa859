import { useBaton } from '../../store/index.ts';
import { lazyRetry } from '../shared/lazy-retry.ts';
import { PlansView } from './PlansView.tsx';

const PlanDesigner = lazyRetry(() =>
  import('../designer/PlanDesigner.tsx').then((m) => ({ default: m.PlanDesigner })),
);

/** The Plans screen: the open plan and its runs, or the designer while a draft is edited. */
export function PlansScreen() {
  const editing = useBaton((s) => s.draft !== null);
  return editing ? <PlanDesigner /> : <PlansView />;
}
