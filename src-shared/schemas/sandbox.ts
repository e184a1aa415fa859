import { z } from 'zod';

/**
 * The OS sandbox every process Baton starts for an agent runs in (src-main/sandbox/): what it may
 * write, what it may not read, which hosts it may reach. Set per agent (command and llm agents:
 * their programs, `run_command`, stdio MCP servers) and per workspace (its setup command and
 * checks, within the agent's where they run an agent's work: `sandboxMeet`); a plan can narrow
 * it, never widen it (`narrowSandbox`).
 *
 * - `required` (the default): the process runs in the sandbox, or not at all (where no sandbox can
 *   run, the attempt is refused with what to install).
 * - `off`: the process runs with the full rights of the person who started Baton. An explicit
 *   choice, recorded in the audit log and shown in `baton agents list`.
 */
export const SANDBOX_MODES = ['required', 'off'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/**
 * What no agent process reads unless its policy re-opens it (`read_allow`): keys, tokens and
 * logins, and browser profiles. Baton's data directory and the other registered workspaces are
 * hidden besides these, always.
 */
export const DEFAULT_READ_DENY = [
  '~/.ssh',
  '~/.aws',
  '~/.config/gh',
  '~/.netrc',
  '~/.gnupg',
  '~/.git-credentials',
  '~/.npmrc',
  '~/.pypirc',
  '~/.docker',
  '~/.kube',
  '~/.config/gcloud',
  '~/.azure',
  '~/.password-store',
  '~/.local/share/keyrings',
  '~/.mozilla',
  '~/.config/google-chrome',
  '~/.config/chromium',
  '~/.config/BraveSoftware',
  '~/.config/microsoft-edge',
  '~/.config/vivaldi',
  '~/snap/firefox',
  '~/Library/Application Support/Google/Chrome',
  '~/Library/Application Support/Firefox',
  '~/Library/Safari',
  '~/Library/Keychains',
  '~/Library/Cookies',
] as const;

const HOST_MESSAGE =
  'must be a host name (example.com), *.domain, or an IP address (127.0.0.1, [::1]), each with an optional :port';
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOST_NAME = new RegExp(`^(?:\\*\\.)?(?:${LABEL}\\.)*${LABEL}$`);
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\]$/;

/** Splits `host:port` (a bracketed IPv6 keeps its colons); the port is null when none is given. */
export function splitHostPort(entry: string): { host: string; port: number | null } | null {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(entry);
  if (!m) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  if (port !== null && (port < 1 || port > 65_535)) return null;
  return { host: m[1]!, port };
}

/** One host a sandboxed process may reach: `example.com`, `*.example.com`, `127.0.0.1:8080`, `[::1]:3000`. */
export const sandboxHostSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(260)
  .refine(
    (entry) => {
      const parts = splitHostPort(entry);
      if (!parts) return false;
      const { host } = parts;
      return IPV4.test(host) || IPV6.test(host) || (HOST_NAME.test(host) && !/^[\d.]+$/.test(host));
    },
    { message: HOST_MESSAGE },
  );

/** A file or folder: absolute, or under the home folder (`~/…`), named literally. */
const sandboxPathSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(4_096)
  .refine((p) => p.startsWith('/') || p === '~' || p.startsWith('~/'), {
    message: 'must be an absolute path or start with ~/',
  })
  .refine((p) => !/[*?[\]]/.test(p), {
    message: 'must name a file or folder, without * ? [ ] (the sandbox takes paths by name)',
  })
  .refine((p) => !p.split('/').includes('..'), { message: 'must not contain ..' });

/**
 * What happens to a connection to a host the policy does not list: `deny` (the default) refuses
 * it; `ask` refuses it too, and asks a person in the inbox once per workspace (or agent) and
 * host whether to allow it from then on (an approval of kind `sandbox_host`).
 */
export const UNLISTED_HOSTS = ['deny', 'ask'] as const;
export type UnlistedHosts = (typeof UNLISTED_HOSTS)[number];
const unlistedSchema = z.enum(UNLISTED_HOSTS, {
  error:
    'must be "deny" (the default: refused) or "ask" (refused, and a person is asked to allow it from then on)',
});

export const sandboxPolicySchema = z.strictObject({
  mode: z
    .enum(SANDBOX_MODES, { error: 'must be "required" (the default) or "off" (no sandbox)' })
    .default('required'),
  /** The only hosts its processes reach (through the sandbox's filter); none by default. */
  network: z
    .strictObject({
      allow: z.array(sandboxHostSchema).max(256, 'at most 256 hosts').default([]),
      /** A host not listed: refused (`deny`), or refused and asked about (`ask`). */
      unlisted: unlistedSchema.default('deny'),
    })
    .default({ allow: [], unlisted: 'deny' }),
  /** Hidden besides `DEFAULT_READ_DENY`, Baton's data directory and the other workspaces. */
  read_deny: z.array(sandboxPathSchema).max(256, 'at most 256 paths').default([]),
  /** Re-opened for reading: a path of the defaults (or under one) this agent needs, such as `~/.npmrc`. */
  read_allow: z.array(sandboxPathSchema).max(256, 'at most 256 paths').default([]),
  /** Folders writable besides the attempt's own folder and its private temp folder. */
  write_allow: z.array(sandboxPathSchema).max(64, 'at most 64 paths').default([]),
});
export type SandboxPolicy = z.infer<typeof sandboxPolicySchema>;
export type SandboxPolicyInput = z.input<typeof sandboxPolicySchema>;

/** The policy an agent or workspace without one has: the sandbox required, nothing listed. */
export const DEFAULT_SANDBOX: SandboxPolicy = sandboxPolicySchema.parse({});

/** An agent's or workspace's policy with its defaults filled in (none set: the default). */
export const sandboxPolicyOf = (policy: SandboxPolicyInput | undefined): SandboxPolicy =>
  policy === undefined ? DEFAULT_SANDBOX : sandboxPolicySchema.parse(policy);

/**
 * What a plan may say of its agents' sandboxes: only ever less. `mode` can only require it;
 * `network.allow` and `write_allow`, when given, keep only those of the agent's own entries;
 * `network.unlisted` may turn `ask` into `deny`, never `deny` into `ask`; `read_deny` hides more.
 */
export const sandboxNarrowingSchema = z.strictObject({
  mode: z
    .literal('required', {
      error: 'a plan can only require the sandbox ("required"), never turn it off',
    })
    .optional(),
  network: z
    .strictObject({
      allow: z.array(sandboxHostSchema).max(256, 'at most 256 hosts').optional(),
      unlisted: unlistedSchema.optional(),
    })
    .optional(),
  read_deny: z.array(sandboxPathSchema).max(256, 'at most 256 paths').optional(),
  write_allow: z.array(sandboxPathSchema).max(64, 'at most 64 paths').optional(),
});
export type SandboxNarrowing = z.infer<typeof sandboxNarrowingSchema>;

/** Whether the host name (or `*.domain`) `outer` matches every name `inner` does. */
function nameCovers(outer: string, inner: string): boolean {
  if (outer === inner) return true;
  if (!outer.startsWith('*.')) return false;
  const domain = outer.slice(1); // `.example.com`
  return inner.endsWith(domain) && inner.length > domain.length;
}

/** Whether the host pattern `outer` lets through every connection `inner` does. */
export function hostCovers(outer: string, inner: string): boolean {
  const o = splitHostPort(outer.toLowerCase());
  const i = splitHostPort(inner.toLowerCase());
  if (!o || !i) return false;
  if (o.port !== null && o.port !== i.port) return false;
  return nameCovers(o.host, i.host);
}

/**
 * The host pattern that lets through exactly the connections both `a` and `b` do
 * (`*.example.com` and `api.example.com:443`: `api.example.com:443`), or null when none is.
 */
export function hostsMeet(a: string, b: string): string | null {
  const x = splitHostPort(a.toLowerCase());
  const y = splitHostPort(b.toLowerCase());
  if (!x || !y) return null;
  if (x.port !== null && y.port !== null && x.port !== y.port) return null;
  const port = x.port ?? y.port;
  const host = nameCovers(x.host, y.host) ? y.host : nameCovers(y.host, x.host) ? x.host : null;
  if (host === null) return null;
  return port === null ? host : `${host}:${port}`;
}

/** Whether `outer` is `inner` or a folder above it (both as written: `~/x` and `/home/me/x` differ). */
export function pathCovers(outer: string, inner: string): boolean {
  const o = outer.replace(/\/+$/, '') || '/';
  const i = inner.replace(/\/+$/, '') || '/';
  return i === o || i.startsWith(o === '/' ? '/' : `${o}/`);
}

/**
 * The policy an attempt runs under: its agent's (or workspace's) `base`, narrowed by its plan.
 * A plan entry that would widen it (a host or folder the base does not allow) is an error naming
 * the plan's field, and nothing runs: a plan can narrow the sandbox, never widen it.
 */
export function narrowSandbox(
  base: SandboxPolicy,
  plan: SandboxNarrowing | undefined,
): { ok: true; policy: SandboxPolicy } | { ok: false; errors: string[] } {
  if (!plan) return { ok: true, policy: base };
  const errors: string[] = [];
  const hosts = plan.network?.allow;
  hosts?.forEach((h, i) => {
    if (!base.network.allow.some((b) => hostCovers(b, h)))
      errors.push(
        `sandbox.network.allow[${i}]: "${h}" is not a host the agent's sandbox allows: a plan can narrow the sandbox, never widen it`,
      );
  });
  if (plan.network?.unlisted === 'ask' && base.network.unlisted !== 'ask')
    errors.push(
      `sandbox.network.unlisted: "ask" where the agent's sandbox refuses unlisted hosts ("deny"): a plan can narrow the sandbox, never widen it`,
    );
  const writes = plan.write_allow;
  writes?.forEach((p, i) => {
    if (!base.write_allow.some((b) => pathCovers(b, p)))
      errors.push(
        `sandbox.write_allow[${i}]: "${p}" is not a folder the agent's sandbox may write: a plan can narrow the sandbox, never widen it`,
      );
  });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    policy: {
      mode: plan.mode ?? base.mode,
      network: {
        allow: hosts ?? base.network.allow,
        unlisted: plan.network?.unlisted ?? base.network.unlisted,
      },
      read_deny: [...base.read_deny, ...(plan.read_deny ?? []).filter((p) => !base.read_deny.includes(p))],
      // What the plan hides stays hidden, even where the agent re-opened it.
      read_allow: base.read_allow.filter((a) => !(plan.read_deny ?? []).some((d) => pathCovers(d, a))),
      write_allow: writes ?? base.write_allow,
    },
  };
}

/**
 * A host a person allowed when the sandbox asked (the network policy `ask`), remembered for a
 * workspace or an agent (`scope`: `workspace:<id>`, `agent:<id>`): every later attempt there may
 * reach it.
 */
export interface AllowedSandboxHost {
  scope: string;
  /** `host:port`, as it was refused. */
  host: string;
  allowed_by: string;
  at: string;
  /** The approval that allowed it. */
  approval_id: string | null;
}

/** Whether this Baton process can run the sandbox, and if not, what is wrong in a person's words. */
export type SandboxStatus = { available: true; problem: null } | { available: false; problem: string };

/** Of each pair of `a`'s and `b`'s paths where one holds the other, the narrower: what both cover. */
function pathsMeet(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  for (const x of a)
    for (const y of b) {
      const narrower = pathCovers(x, y) ? y : pathCovers(y, x) ? x : null;
      if (narrower !== null && !out.includes(narrower)) out.push(narrower);
    }
  return out;
}

/**
 * What both policies allow: the policy of a program run for two owners at once (a workspace's
 * check on the work of an agent runs under the workspace's policy and the agent's). A policy `off`
 * allows everything, so the other holds; else the sandbox is required, a host is reached where
 * both let it through, an unlisted host is asked about only where both ask (else refused), a path
 * is hidden where either hides it and re-opened where both re-open it, and a folder is writable
 * where both let it be written.
 */
export function sandboxMeet(a: SandboxPolicy, b: SandboxPolicy): SandboxPolicy {
  if (a.mode === 'off') return b;
  if (b.mode === 'off') return a;
  const allow: string[] = [];
  for (const x of a.network.allow)
    for (const y of b.network.allow) {
      const both = hostsMeet(x, y);
      if (both !== null && !allow.includes(both)) allow.push(both);
    }
  const read_deny = [...a.read_deny, ...b.read_deny.filter((p) => !a.read_deny.includes(p))];
  return {
    mode: 'required',
    network: {
      allow,
      unlisted: a.network.unlisted === 'ask' && b.network.unlisted === 'ask' ? 'ask' : 'deny',
    },
    read_deny,
    read_allow: pathsMeet(a.read_allow, b.read_allow).filter((p) => !read_deny.some((d) => pathCovers(d, p))),
    write_allow: pathsMeet(a.write_allow, b.write_allow),
  };
}
