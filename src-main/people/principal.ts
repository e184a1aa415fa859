import { AsyncLocalStorage } from 'node:async_hooks';
import type { Person } from '../../src-shared/schemas/people.ts';
import type { Role } from '../../src-shared/schemas/plain/people.ts';

/**
 * Who a call comes from, as the host proved it once per request or socket message (never from the
 * call's input): the machine's owner at this machine (the desktop window, the loopback launch
 * token, the CLI in this process), a browser session (its cookie), a personal access token, a
 * remote worker (its worker token: the worker API only), an agent's attempt (its link to /mcp),
 * or a person clicking in Slack (a request Slack signed, from the Slack member linked to them:
 * src-main/reach/slack/). Every check below applies to each case that names a person unchanged.
 * A one-time link is no principal: it shows one approval, and deciding it needs one of these.
 */
export type Principal =
  | { kind: 'local' }
  | { kind: 'session'; person: Person; session_id: string }
  | { kind: 'token'; person: Person; token_id: string; role: Role }
  | { kind: 'worker'; name: string }
  | { kind: 'attempt' }
  | { kind: 'slack'; person: Person; slack_user: string };

const current = new AsyncLocalStorage<Principal>();

/**
 * Runs `fn` as `principal`: every contract call made inside it (directly, or through the REST
 * routes' and /mcp's clients in this process) is that principal's. The host wraps each request
 * and each socket message; a call made outside any (the desktop window's IPC, the CLI in this
 * process, tests) is the machine's owner's.
 */
export function asPrincipal<T>(principal: Principal, fn: () => T): T {
  return current.run(principal, fn);
}

export function currentPrincipal(): Principal {
  return current.getStore() ?? LOCAL;
}

export const LOCAL: Principal = { kind: 'local' };
