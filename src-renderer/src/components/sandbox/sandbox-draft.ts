import type {
  SandboxMode,
  SandboxPolicy,
  SandboxStatus,
  UnlistedHosts,
} from '../../../../src-shared/schemas/sandbox.ts';
import { plainMessage } from '../../format/field-message.ts';

/**
 * The OS sandbox of an agent or workspace as a form holds it: the mode, and each list as text,
 * one entry a line. Blank lines are dropped; what each line must be, the schema says on save.
 */
export interface SandboxDraft {
  mode: SandboxMode;
  hosts: string;
  /** A host not listed: refused, or refused and asked about in the inbox. */
  unlisted: UnlistedHosts;
  write_allow: string;
  read_deny: string;
  read_allow: string;
}

/** The form's sandbox fields, by the draft's key. */
export type SandboxField = keyof SandboxDraft;

export const EMPTY_SANDBOX: SandboxDraft = {
  mode: 'required',
  hosts: '',
  unlisted: 'deny',
  write_allow: '',
  read_deny: '',
  read_allow: '',
};

/** How each field is named on screen, so an error says which one is wrong. */
export const SANDBOX_LABELS: Record<SandboxField, string> = {
  mode: 'Sandbox',
  hosts: 'Hosts it may reach',
  unlisted: 'Ask me about other hosts',
  write_allow: 'Extra folders it may write',
  read_deny: 'Also closed to it',
  read_allow: 'Re-opened for reading',
};

/** The form filled in from a policy (none set: the default). */
export function sandboxDraftOf(policy: Partial<SandboxPolicy> | null | undefined): SandboxDraft {
  if (!policy) return EMPTY_SANDBOX;
  return {
    mode: policy.mode ?? 'required',
    hosts: (policy.network?.allow ?? []).join('\n'),
    unlisted: policy.network?.unlisted ?? 'deny',
    write_allow: (policy.write_allow ?? []).join('\n'),
    read_deny: (policy.read_deny ?? []).join('\n'),
    read_allow: (policy.read_allow ?? []).join('\n'),
  };
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * The policy the form describes, or undefined when it is the default (required, nothing listed),
 * so an agent or workspace left as it was keeps having none set.
 */
export function sandboxPolicyOf(d: SandboxDraft): SandboxPolicy | undefined {
  const policy: SandboxPolicy = {
    mode: d.mode,
    network: { allow: lines(d.hosts), unlisted: d.unlisted },
    write_allow: lines(d.write_allow),
    read_deny: lines(d.read_deny),
    read_allow: lines(d.read_allow),
  };
  const listed =
    policy.network.allow.length +
    policy.write_allow.length +
    policy.read_deny.length +
    policy.read_allow.length;
  return policy.mode === 'required' && listed === 0 && d.unlisted === 'deny' ? undefined : policy;
}

/** Whether two drafts say the same (a line's spaces and blank lines aside). */
export function sameSandbox(a: SandboxDraft, b: SandboxDraft): boolean {
  return JSON.stringify(sandboxPolicyOf(a) ?? null) === JSON.stringify(sandboxPolicyOf(b) ?? null);
}

/** The field an error's path inside a policy is about (`network.allow[2]` → `hosts`). */
export function sandboxFieldOf(path: string): SandboxField {
  if (path.startsWith('network.unlisted')) return 'unlisted';
  if (path.startsWith('network')) return 'hosts';
  if (path.startsWith('write_allow')) return 'write_allow';
  if (path.startsWith('read_deny')) return 'read_deny';
  if (path.startsWith('read_allow')) return 'read_allow';
  return 'mode';
}

/**
 * An error of the policy in plain words, naming the field and the line: "Hosts it may reach,
 * line 2: must be a host name…". `path` is inside the policy (`network.allow[1]`).
 */
export function sandboxMessage(path: string, message: string): string {
  const field = sandboxFieldOf(path);
  const index = /\[(\d+)\]/.exec(path);
  const where = index ? `, line ${Number(index[1]) + 1}:` : '';
  return `${SANDBOX_LABELS[field]}${where} ${plainMessage(message)}`;
}

/** What a row or page shows of a sandbox: sandboxed, off (a warning), or cannot run here (and why). */
export type SandboxState =
  | { state: 'sandboxed'; label: 'sandboxed'; why: string }
  | { state: 'off'; label: 'sandbox off'; why: string }
  | { state: 'unavailable'; label: 'sandbox cannot run here'; why: string };

/**
 * The sandbox state of a policy (null: the default) on this host. `status` null: not known yet,
 * taken as able to run.
 */
export function sandboxStateOf(
  policy: Partial<SandboxPolicy> | null | undefined,
  status: SandboxStatus | null,
): SandboxState {
  if (policy?.mode === 'off')
    return {
      state: 'off',
      label: 'sandbox off',
      why: 'Its processes run with your full rights: they can read your keys and write anywhere you can.',
    };
  if (status && !status.available)
    return {
      state: 'unavailable',
      label: 'sandbox cannot run here',
      why: `The sandbox is required, so nothing of it runs here: ${status.problem}`,
    };
  return { state: 'sandboxed', label: 'sandboxed', why: sandboxSummary(policy) };
}

/** What a required policy lets through, in a few words: "reaches 2 hosts; writes 1 extra folder". */
export function sandboxSummary(policy: Partial<SandboxPolicy> | null | undefined): string {
  const n = (count: number, one: string) => `${count} ${one}${count === 1 ? '' : 's'}`;
  const hosts = policy?.network?.allow ?? [];
  const writes = policy?.write_allow ?? [];
  const parts = [
    (hosts.length === 0 ? 'reaches no host' : `reaches ${hosts.join(', ')}`) +
      (policy?.network?.unlisted === 'ask' ? ', asks about others' : ''),
    writes.length === 0 ? 'writes only its own folder' : `writes ${n(writes.length, 'extra folder')}`,
  ];
  const hidden = policy?.read_deny?.length ?? 0;
  const reopened = policy?.read_allow?.length ?? 0;
  if (hidden > 0) parts.push(`hides ${n(hidden, 'more path')}`);
  if (reopened > 0) parts.push(`may read ${n(reopened, 'hidden path')}`);
  return `${parts.join('; ')}.`;
}
