import type { Route } from './routes.ts';
import { formatRoute, parseRoute } from './routes.ts';

/**
 * Where a route is written in the page's address. Browser mode (and the dev server) use real
 * paths: the host answers index.html for them, so a deep link or a reload opens the app there.
 * The desktop app loads index.html from a file, where another path is another file: its routes
 * go in the hash (`index.html#/runs/r1`), which a reload keeps and a click never leaves.
 */
export type AddressMode = 'path' | 'hash';

export const addressModeOf = (protocol: string): AddressMode => (protocol === 'file:' ? 'hash' : 'path');

/** This page's mode; path where there is no page (unit tests). */
const pageMode: AddressMode = typeof location === 'undefined' ? 'path' : addressModeOf(location.protocol);

/** The href of a route: what a link points at, and what the address bar shows. */
export const hrefOf = (route: Route, mode: AddressMode = pageMode): string =>
  mode === 'hash' ? `#${formatRoute(route)}` : formatRoute(route);

/** The route an address names. */
export function routeAt(
  loc: Pick<Location, 'pathname' | 'search' | 'hash'>,
  mode: AddressMode = pageMode,
): Route {
  return parseRoute(mode === 'hash' ? loc.hash.slice(1) || '/' : loc.pathname + loc.search);
}

/** The page's address as `hrefOf` writes it: the path and query, or the hash. */
export const addressNow = (mode: AddressMode = pageMode): string =>
  mode === 'hash' ? location.hash : location.pathname + location.search;
