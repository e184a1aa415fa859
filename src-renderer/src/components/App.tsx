import { useBaton } from '../store/index.ts';
import { AgentsView } from './AgentsView.tsx';
import { ApprovalsView } from './ApprovalsView.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { MemoryView } from './MemoryView.tsx';
import { PlanDesigner } from './PlanDesigner.tsx';
import { PlansView } from './PlansView.tsx';
import { ProjectsView } from './ProjectsView.tsx';
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
          {view === 'plans' && (editing ? <PlanDesigner /> : <PlansView />)}
          {view === 'approvals' && <ApprovalsView />}
          {view === 'agents' && <AgentsView />}
          {view === 'projects' && <ProjectsView />}
          {view === 'memory' && <MemoryView />}
        </ErrorBoundary>
      </main>
      <Toasts />
    </div>
  );
}
