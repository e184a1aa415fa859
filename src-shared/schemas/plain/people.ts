/**
 * Roles and who may decide, in words, without zod: the first screen (a link's page, the settings)
 * reads them, and zod loads only with a form or a check.
 */

/**
 * People on a Baton and what each may do. A role is held on the whole Baton: `viewer` sees,
 * `member` runs plans and decides what it may (below), `admin` also changes agents, workspaces,
 * secrets, reach and people, `owner` is the machine's owner (the first account; the desktop window
 * and the loopback launch token are the owner).
 */
export const ROLES = ['viewer', 'member', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

const RANK: { [R in Role]: number } = { viewer: 0, member: 1, admin: 2, owner: 3 };
/** Whether `held` is at least `least`. */
export const roleAtLeast = (held: Role, least: Role): boolean => RANK[held] >= RANK[least];
/** The lesser of two roles (a token's scope and its person's role). */
export const lesserRole = (a: Role, b: Role): Role => (RANK[a] <= RANK[b] ? a : b);

/** "an admin", "Ada or Grace", "Ada or a member": who may decide, in words. */
interface Named {
  people?: readonly string[] | undefined;
  role?: Exclude<Role, 'viewer'> | undefined;
}
export function decidersText(d: Named & { workspace?: Named | undefined }): string {
  const parts = [...(d.people ?? [])];
  if (d.role !== undefined) parts.push(`${d.role === 'admin' ? 'an' : 'a'} ${d.role}`);
  const own =
    parts.length <= 1 ? (parts[0] ?? 'the owner') : `${parts.slice(0, -1).join(', ')} or ${parts.at(-1)}`;
  return d.workspace === undefined
    ? own
    : `${own}, who is also ${decidersText(d.workspace)} (the workspace's rule)`;
}
