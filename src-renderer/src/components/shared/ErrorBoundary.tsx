import type { ReactNode } from 'react';
import { Component } from 'react';
import { CodeNotLoaded, retryFailedLoads } from './lazy-retry.ts';

interface State {
  error: Error | null;
}

/** Chromium's, Firefox's and Safari's words for a part of the app whose code could not be fetched. */
const fetchFailed = /dynamically imported module|Importing a module script failed|Unable to preload CSS/i;

/** A render error shows what happened and a way back, never a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode; label: string }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override render() {
    const { error } = this.state;
    if (!error) return this.props.children;
    // A screen whose code could not be fetched is not broken: Baton was not reachable then.
    const unreached = error instanceof CodeNotLoaded || fetchFailed.test(error.message);
    return (
      <div role="alert" className="crash">
        {unreached ? (
          <>
            <h2>{this.props.label} could not be opened</h2>
            <p>Baton could not be reached to load it. Check that Baton is still running, then try again.</p>
          </>
        ) : (
          <>
            <h2>{this.props.label} hit an error</h2>
            <pre>{error.message}</pre>
          </>
        )}
        <button
          type="button"
          onClick={() => {
            retryFailedLoads();
            this.setState({ error: null });
          }}
        >
          Try again
        </button>
      </div>
    );
  }
}
