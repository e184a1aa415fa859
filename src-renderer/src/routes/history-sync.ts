import { useBaton } from '../store/index.ts';
import { addressNow, hrefOf, routeAt } from './address.ts';
import { applyRoute } from './apply-route.ts';
import type { Route } from './routes.ts';
import { formatRoute, routeTitle } from './routes.ts';
import { replaces, routeOf, screenRoute, viewOf } from './state-route.ts';

/**
 * Keeps the address and the store in step, both ways, as apply-events.ts does for the host's
 * events: a screen or a selection changed in the store writes the address (a new history entry,
 * or the same one for a search being typed); an address opened, reloaded, or reached with Back
 * and Forward is applied to the store. Links call `navigate`.
 */

/** The route the address shows. */
let shown: Route = { screen: 'plans' };
/** The latest navigation: while it applies, the store's steps towards it write nothing. */
let navigation = 0;
let applying = false;
let queued = false;

/** Reads the address the app opened at, and follows the store and the history from now on. */
export function startRouting(): void {
  window.addEventListener('popstate', () => void follow(routeAt(location), 'replace'));
  // One write for the changes of one task (an action sets several fields, one after another).
  useBaton.subscribe(() => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      if (!applying) write();
    });
  });
  void follow(routeAt(location), 'replace');
}

/** Opens `route` in the app, as a link's plain click does: a new history entry. */
export function navigate(route: Route): Promise<void> {
  return follow(route, 'push');
}

/**
 * Applies `route` (the address already shows it after Back, Forward or a reload), then writes
 * the address of what the store ended up showing: a plan opened at its run, what was not found.
 */
async function follow(route: Route, how: 'push' | 'replace'): Promise<void> {
  const mine = ++navigation;
  applying = true;
  if (how === 'replace') shown = route;
  try {
    const s = useBaton.getState();
    const view = viewOf(route);
    // What the store shows on that screen already is only a change of screen (the sidebar).
    if (view && !s.missing && formatRoute(screenRoute(s, view)) === formatRoute(route)) s.setView(view);
    // A newer navigation (a click while this one loads) stops what this one still waits to do.
    else await applyRoute(route, () => mine === navigation);
  } finally {
    if (mine === navigation) {
      applying = false;
      write(how === 'replace' ? 'replace' : undefined);
    }
  }
}

/** Writes the address of what the store shows, when it moved, and names the tab after it. */
function write(how?: 'push' | 'replace'): void {
  const s = useBaton.getState();
  const next = routeOf(s);
  const href = hrefOf(next);
  if (href !== addressNow()) {
    if ((how ?? (replaces(shown, next) ? 'replace' : 'push')) === 'push') history.pushState(null, '', href);
    else history.replaceState(null, '', href);
  }
  shown = next;
  const title = `${s.missing?.title ?? routeTitle(next)} · Baton`;
  if (document.title !== title) document.title = title;
}
