/**
 * The people wing's front door: what the core (the app, the hosts, the CLI) uses of it. Nothing
 * outside `people/` imports a file inside it but this one.
 */
export { DEVICE_PAGE, DEVICE_PROGRAM_PATHS } from './device.ts';
export { peopleHandlers } from './handlers.ts';
export type { LinkOpened, Links } from './links.ts';
export { LINK_PAGE, LINK_TTL_MS } from './links.ts';
export type { People, PeopleOptions, SignInResult } from './people.ts';
export { createPeople } from './people.ts';
export { authorize, LEAST_ROLE } from './permissions.ts';
export type { Principal } from './principal.ts';
export { asPrincipal, currentPrincipal, LOCAL } from './principal.ts';
export { AUTH_PATH, createAuthRoutes } from './routes.ts';
export type { Ended, SessionLimits } from './sessions.ts';
