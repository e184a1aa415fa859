import { Suspense } from 'react';
import { useBaton } from '../store/index.ts';
import { VIEWS } from '../views.ts';
import { CommandPalette } from './app/CommandPalette.tsx';
import { ConnectionNotice } from './app/ConnectionNotice.tsx';
import { FileDrop } from './app/FileDrop.tsx';
import { IdentityDialog } from './app/IdentityDialog.tsx';
import { KeysDialog } from './app/KeysDialog.tsx';
import { NotFound } from './app/NotFound.tsx';
import { Sidebar } from './app/Sidebar.tsx';
import { StorageBanner } from './app/StorageBanner.tsx';
import { SCREENS } from './app/screens.tsx';
import { Toasts } from './app/Toasts.tsx';
import { useGlobalKeys } from './app/use-global-keys.ts';
import { NewPlanDialog } from './plans/NewPlanDialog.tsx';
import { ErrorBoundary } from './shared/ErrorBoundary.tsx';

export function App() {
  const view = useBaton((s) => s.view);
  const missing = useBaton((s) => s.missing);
  const Screen = SCREENS[view];
  const { label } = VIEWS[view];
  useGlobalKeys();
  return (
    <div className="app">
      <Sidebar />
      <main>
        <ConnectionNotice />
        <StorageBanner />
        <ErrorBoundary label={`The ${label} view`}>
          <Suspense fallback={<p className="muted centered">Loading…</p>}>
            {missing ? <NotFound missing={missing} /> : <Screen />}
          </Suspense>
        </ErrorBoundary>
      </main>
      <Toasts />
      <FileDrop />
      <IdentityDialog />
      {/* Here, not in the sidebar: a narrow window folds the sidebar away, and the dialog ("Start a
          plan…" opens it too) with it. */}
      <NewPlanDialog />
      <CommandPalette />
      <KeysDialog />
    </div>
  );
}
