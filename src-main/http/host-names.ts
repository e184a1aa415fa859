import { isIP } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';

/**
 * The Host names Baton answers to (the DNS-rebinding guard): a page that made its own name
 * resolve to 127.0.0.1 still sends that name, and is refused.
 */
export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'] as const;

/** A name or address as it appears in a Host header: lower case, no trailing dot, IPv6 in brackets. */
export function normalizeHostName(name: string): string {
  const lower = name.trim().toLowerCase().replace(/\.$/, '');
  const bare = lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

/**
 * The host name of a Host header, without the port (`[::1]:8080` → `[::1]`); undefined if malformed
 * (a port past 65535 too: a URL made of it, as the sign-in pages make one, would throw).
 */
export function hostName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(hostHeader.trim());
  if (!m || (m[2] !== undefined && Number(m[2]) > 65_535)) return undefined;
  return normalizeHostName(m[1]!);
}

export function isLoopback(bindHost: string): boolean {
  const name = normalizeHostName(bindHost);
  return (LOOPBACK_HOSTS as readonly string[]).includes(name) || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/** This machine's names and addresses, as a client on the network would write them in a URL. */
export function machineHostNames(): string[] {
  const names = new Set<string>();
  const own = normalizeHostName(hostname());
  if (own) {
    names.add(own);
    // `box.example.lan` is also reached as `box`.
    if (isIP(own) === 0 && own.includes('.')) names.add(own.split('.')[0]!);
  }
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) {
      // A link-local IPv6 address needs its zone (`%eth0`), which no Host header carries.
      if (a.family === 'IPv6' && a.scopeid !== 0 && a.scopeid !== undefined) continue;
      names.add(normalizeHostName(a.address));
    }
  }
  return [...names];
}

/**
 * Every Host name to accept: loopback always; when bound beyond loopback, the bind address
 * itself and this machine's own names and addresses (`machine`); and what the user allowed
 * (`--allow-host`), whatever the binding (a proxy in front of a loopback host).
 */
export function allowedHostNames(
  bindHost: string,
  extra: readonly string[] = [],
  machine: () => string[] = machineHostNames,
): string[] {
  const names = new Set<string>(LOOPBACK_HOSTS);
  if (!isLoopback(bindHost)) {
    names.add(normalizeHostName(bindHost));
    for (const n of machine()) names.add(n);
  }
  for (const n of extra) names.add(normalizeHostName(n));
  return [...names];
}

/**
 * Checks an `--allow-host` value: a host name or an IP address, no scheme, port or path.
 * Returns it normalised, or throws naming `what`.
 */
export function parseAllowedHost(raw: string, what: string): string {
  const name = normalizeHostName(raw);
  const bare = name.startsWith('[') ? name.slice(1, -1) : name;
  const hostLike = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;
  if (isIP(bare) === 0 && !hostLike.test(name)) {
    throw new Error(`${what} takes a host name or an IP address (like baton.example.lan), got "${raw}"`);
  }
  return name;
}

/**
 * The Host names a server answers to, checked at its edge (edge.ts) before any route, for every
 * request and upgrade, whatever the route's own authentication: `names` reach everything it
 * serves; `publicNames` (the callback URL's: a tunnel or proxy other programs call through)
 * reach only `publicPaths`, the routes those programs call with their own secret.
 */
export interface HostRule {
  names: readonly string[];
  publicNames?: readonly string[];
  /** Path prefixes (`/api/agent-callbacks/`) `publicNames` reach. */
  publicPaths?: readonly string[];
}

/**
 * Whether a request with this Host header may reach `path` (null: a target that could not be
 * read, which only `names` reach). A missing or malformed Host reaches nothing.
 */
export function hostAllowed(rule: HostRule, hostHeader: string | undefined, path: string | null): boolean {
  const name = hostName(hostHeader);
  if (name === undefined) return false;
  if (rule.names.includes(name)) return true;
  if (path === null || !rule.publicNames?.includes(name)) return false;
  return (rule.publicPaths ?? []).some((prefix) => path.startsWith(prefix));
}

/** The host name of a callback URL (`https://baton.example.com/`), as a Host header names it. */
export function callbackHostName(callbackUrl: string | undefined): string[] {
  if (!callbackUrl) return [];
  try {
    return [normalizeHostName(new URL(callbackUrl).hostname)];
  } catch {
    return [];
  }
}
