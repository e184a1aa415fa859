import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Transport } from '../../src-shared/contract/client.ts';
import type { EventBatch } from '../../src-shared/contract/events.ts';
import { offerable } from '../../src-shared/contract/socket-auth.ts';
import { checkAccess, shareAccess, takeToken } from './api/access.ts';
import { session } from './api/auth.ts';
import { connect } from './api/client.ts';
import type { ConnectionStatus } from './api/transport.ts';
import { bridgeTransport, sessionTransport, socketTransport } from './api/transport.ts';
import { App } from './components/App.tsx';
import { AccessPage } from './components/app/AccessPage.tsx';
import { DevicePage, deviceCodeInAddress } from './components/people/DevicePage.tsx';
import { LinkPage, linkInAddress } from './components/people/LinkPage.tsx';
import { inviteInAddress, SignInPage } from './components/people/SignInPage.tsx';
import { ErrorBoundary } from './components/shared/ErrorBoundary.tsx';
import { registerServiceWorker } from './notify/push.ts';
import { startRouting } from './routes/history-sync.ts';
import { applyEvents } from './store/apply-events.ts';
import { useBaton } from './store/index.ts';
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

const root = createRoot(document.getElementById('root')!);

/** Connects over `transport`, loads what the first screen shows, and renders the app. */
function start(transport: Transport): void {
  // Every call says who makes it: the name the person gave ("who you are"), once they did.
  connect(
    transport,
    onEvents,
    (error) => useBaton.getState().reportStorageFull(error),
    () => useBaton.getState().identity?.name,
  );
  const ui = useBaton.getState();
  void ui.loadPlans();
  void ui.loadAgents();
  void ui.loadApprovals();
  void ui.loadInbox();
  void ui.loadMe();
  window.addEventListener('unhandledrejection', (e) =>
    useBaton.getState().fail('Unexpected error', e.reason),
  );
  // The screen the address names, before the first paint.
  startRouting();
  root.render(
    <StrictMode>
      <ErrorBoundary label="Baton">
        <App />
      </ErrorBoundary>
    </StrictMode>,
  );
}

const setConnection = (status: ConnectionStatus) => useBaton.getState().setConnection(status);
// Events were missed (dropped while this tab was behind, or the connection was lost).
const resync = () => void useBaton.getState().resync();

// The desktop app's preload bridge; else browser mode, which needs this tab's token first; a
// one-time link from a notification shows its approval before anything else (read-only).
if (window.baton) {
  setConnection('open');
  start(bridgeTransport(window.baton));
} else if (location.pathname === '/link') {
  registerServiceWorker();
  root.render(<LinkPage link={linkInAddress()} />);
} else if (location.pathname === '/device') {
  // `baton login --url` on another machine: let it sign in as the person signed in here.
  root.render(<DevicePage code={deviceCodeInAddress()} />);
} else {
  // The service worker shows push messages while no page of Baton is open (notify/push.ts).
  registerServiceWorker();
  // An invitation's address is for joining, whatever else this browser holds.
  const invite = inviteInAddress();
  const held = invite ? null : takeToken();
  // A token this tab holds: its socket opens while the host is asked whether the token is this
  // launch's, so the first screen's calls go out on an open socket once it says yes. When it
  // says no, that socket is dropped, unheard. A resync before the start is not needed: the start
  // loads everything. A token no token could be (a mistyped link) is only asked about.
  let early: 'asking' | 'started' | 'dropped' = 'asking';
  const socket =
    held?.token && offerable(held.token)
      ? socketTransport(
          held.token,
          (s) => early !== 'dropped' && setConnection(s),
          () => early === 'started' && resync(),
        )
      : null;
  void (held ? checkAccess(undefined, held) : Promise.resolve(null)).then(async (access) => {
    if (access?.ok) {
      shareAccess(access.token);
      early = 'started';
      start(socket ?? socketTransport(access.token, setConnection, resync));
      return;
    }
    early = 'dropped';
    socket?.close?.();
    // No launch token: a person signed in on this browser (their session cookie), or signing in
    // where anyone can (else only the machine's owner uses this Baton: its access link).
    const here = invite ? null : await session();
    if (here?.person) start(sessionTransport(setConnection, resync));
    else if (invite || (here?.sign_in && access?.why === 'no_token'))
      root.render(<SignInPage invite={invite} />);
    else root.render(<AccessPage why={access!.why} />);
  });
}
