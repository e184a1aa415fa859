import { Suspense } from 'react';
import { useBaton } from '../store/index.ts';
import { ConnectionNotice } from './ConnectionNotice.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { AgentsView, ApprovalsView, MemoryView, PlanDesigner, ProjectsView } from './lazy-views.ts';
import { PlansView } from './PlansView.tsx';
import { Sidebar } from './Sidebar.tsx';
import { StorageBanner } from './StorageBanner.tsx';
import { Toasts } from './Toasts.tsx';

export function App() {
  const view = useBaton((s) => s.view);
  const editing = useBaton((s) => s.draft !== null);
  return (
    <div className="app">
      <Sidebar />
      <main>
        <ConnectionNotice />
        <StorageBanner />
        <ErrorBoundary label={`The ${view} view`}>
          <Suspense fallback={<p className="muted centered">Loading…</p>}>
            {view === 'plans' && (editing ? <PlanDesigner /> : <PlansView />)}
            {view === 'approvals' && <ApprovalsView />}
            {view === 'agents' && <AgentsView />}
            {view === 'projects' && <ProjectsView />}
            {view === 'memory' && <MemoryView />}
          </Suspense>
        </ErrorBoundary>
      </main>
      <Toasts />
    </div>
  );
}
