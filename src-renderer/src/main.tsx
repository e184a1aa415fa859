import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import { connect } from './api/client.ts';
import { App } from './components/App.tsx';
import { ErrorBoundary } from './components/ErrorBoundary.tsx';
import { applyEvents, useBaton } from './store/index.ts';
import './styles.css';

// Pushed events are applied in one go, at most every 100 ms while they keep coming (every
// 150 ms under a flood), so a streaming run repaints ~10 times a second and clicks stay
// responsive; the first event after a quiet spell is shown at once.
let queued: EventBatch = [];
let pending = false;
let lastApplied = 0;
function onEvents(batch: EventBatch): void {
  for (const ev of batch) queued.push(ev);
  if (pending) return;
  pending = true;
  const gap = queued.length > 200 ? 150 : 100;
  const wait = Math.max(0, gap - (performance.now() - lastApplied));
  setTimeout(() => {
    requestAnimationFrame(() => {
      pending = false;
      lastApplied = performance.now();
      const all = queued;
      queued = [];
      applyEvents(all);
    });
  }, wait);
}

const ui = useBaton.getState();
connect((status) => {
  const wasClosed = useBaton.getState().connection === 'closed';
  useBaton.getState().setConnection(status);
  if (status === 'open' && wasClosed) {
    void useBaton.getState().loadPlans();
    void useBaton.getState().loadAgents();
  }
}, onEvents);
void ui.loadPlans();
void ui.loadAgents();
void ui.loadApprovals();

window.addEventListener('unhandledrejection', (e) => useBaton.getState().fail('Unexpected error', e.reason));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ErrorBoundary label="Baton">
      <App />
    </ErrorBoundary>
  </StrictMode>,
);
