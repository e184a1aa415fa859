/**
 * The reach wing's front door: what the core (the app, the hosts, the desktop shell) uses of it.
 * Nothing outside `reach/` imports a file inside it but this one.
 */
export { desktopBody, tellOnDesktop } from './notifications/desktop.ts';
export type { Reach, ReachOptions } from './reach.ts';
export { createReach } from './reach.ts';
export { SLACK_PATH } from './slack/interactions.ts';
export { triggerOpenApi } from './triggers/route.ts';
export { TRIGGER_PATH } from './triggers/triggers.ts';
