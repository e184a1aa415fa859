import { z } from 'zod';
import { formatPath } from '../../../src-shared/contract/errors.ts';
import type { Workspace } from '../../../src-shared/schemas/workspace.ts';
import { workspaceInputSchema } from '../../../src-shared/schemas/workspace.ts';
import { inspectRepository } from '../../agents/coding/index.ts';

/**
 * A worker's `--workspaces` file: the git repositories of this machine its coding agents work
 * in, each as `baton workspaces add` registers one in the app (`id`, `path`, optional
 * `base_branch`, `setup_command`, `env`). A plan on the server names a workspace by id; the
 * worker maps it to its own repository. The server learns the ids only.
 */
export const workspacesFileSchema = z
  .array(workspaceInputSchema)
  .max(1_000)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((w, i) => {
      if (seen.has(w.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id "${w.id}"` });
      seen.add(w.id);
    });
  });

/**
 * The file's workspaces, each repository checked (a git repository's top folder, the base
 * branch one of its branches; without one, the branch checked out there). Errors name the file,
 * the entry and the field.
 */
export async function readWorkspaces(
  file: string,
  raw: unknown,
  now: () => number = Date.now,
): Promise<Map<string, Workspace>> {
  const parsed = workspacesFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`--workspaces ${file}: ${formatPath(issue.path)}: ${issue.message}`);
  }
  const out = new Map<string, Workspace>();
  for (const [i, w] of parsed.data.entries()) {
    let repo: Awaited<ReturnType<typeof inspectRepository>>;
    try {
      repo = await inspectRepository(w.path, w.base_branch);
    } catch (err) {
      throw new Error(`--workspaces ${file}: [${i}] (${w.id}): ${(err as Error).message}`);
    }
    out.set(w.id, {
      id: w.id,
      path: repo.path,
      base_branch: repo.base_branch,
      setup_command: w.setup_command ?? null,
      env: w.env,
      keep_ignored: w.keep_ignored,
      sandbox: w.sandbox ?? null,
      allow_protected_writes: w.allow_protected_writes,
      checks: w.checks ?? [],
      forward_ports: w.forward_ports,
      created_at: new Date(now()).toISOString(),
    });
  }
  return out;
}
