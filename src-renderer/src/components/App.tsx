import { Suspense } from 'react';
import { useBaton } from '../store/index.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { AgentsView, ApprovalsView, MemoryView, PlanDesigner, ProjectsView } from './lazy-views.ts';
import { PlansView } from './PlansView.tsx';
import { Sidebar } from './Sidebar.tsx';
import { Toasts } from './Toasts.tsx';

export function App() {
  const view = useBaton((s) => s.view);
  const editing = useBaton((s) => s.draft !== null);
  const connection = useBaton((s) => s.connection);
  return (
    <div className="app">
      <Sidebar />
      <main>
        {connection === 'closed' && (
          <p className="notice" role="alert">
            Lost the connection to Baton. Reconnecting…
          </p>
        )}
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
