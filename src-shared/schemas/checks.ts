import { z } from 'zod';
import { idSchema } from './common.ts';
import type { CheckStatus } from './plain/checks.ts';
import { CHECK_STATUSES } from './plain/checks.ts';

/** How long a check may run when its workspace names no timeout: 10 minutes. */
export const DEFAULT_CHECK_TIMEOUT_S = 600;
/** How many times a failing check goes back to the agent when its task names no `fix_rounds`. */
export const DEFAULT_FIX_ROUNDS = 2;
/** The most of a check's output Baton keeps: its last 64 KB. */
export const CHECK_OUTPUT_TAIL_BYTES = 64 * 1024;

/**
 * One check of a workspace: a named command (`test: npm test`) run without a shell in a coding
 * attempt's worktree after its agent ended well, in the workspace's OS sandbox.
 */
export const workspaceCheckSchema = z.strictObject({
  /** What plans and the trace call it: `test`, `lint`, `types`. */
  name: idSchema,
  /** The program and its arguments (`["npm", "test"]`), run without a shell. */
  command: z.array(z.string().max(100_000)).min(1, 'must name a program').max(1_000),
  /** Stopped (its whole process tree) after this many seconds; default 600. */
  timeout_s: z
    .number({ error: 'must be a number of seconds' })
    .int('must be a whole number of seconds')
    .positive('must be a number of seconds above 0')
    .max(86_400, 'must be at most 1 day (86400 s)')
    .optional(),
  /**
   * A JUnit XML file the check writes (relative to the worktree): its passed and failed tests are
   * counted. Without it, TAP in the output is counted (`node --test --test-reporter=tap`).
   */
  junit: z
    .string()
    .min(1, 'must not be empty')
    .max(1_000)
    .refine(
      (p) => !p.startsWith('/') && !p.split(/[\\/]/).includes('..'),
      'must be a path inside the worktree',
    )
    .optional(),
});
export type WorkspaceCheck = z.infer<typeof workspaceCheckSchema>;

/** A workspace's checks: names unique. */
export const workspaceChecksSchema = z
  .array(workspaceCheckSchema)
  .max(50, 'at most 50 checks')
  .superRefine((checks, ctx) => {
    const seen = new Set<string>();
    checks.forEach((c, i) => {
      if (seen.has(c.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `check "${c.name}" is named twice` });
      seen.add(c.name);
    });
  });

/** The tests a check's output (TAP) or JUnit file counted. */
export const checkTestsSchema = z.strictObject({
  passed: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  /** The failing tests' names (at most 50). */
  failing: z.array(z.string().max(1_000)).max(50),
  /** Where they were read from. */
  source: z.enum(['tap', 'junit']),
});
export type CheckTests = z.infer<typeof checkTestsSchema>;

/** How one check ended on one round of an attempt. */
export const checkOutcomeSchema = z.strictObject({
  name: idSchema,
  status: z.enum(CHECK_STATUSES),
  /** Its exit code; null when it was stopped or is running. */
  exit_code: z.number().int().nullable(),
  duration_ms: z.number().nonnegative().nullable(),
  /** The last 64 KB of what it printed (stdout and stderr, in order). */
  output_tail: z.string(),
  /** How many bytes it printed in all (the tail is their end). */
  output_bytes: z.number().int().nonnegative(),
  tests: checkTestsSchema.nullable(),
  /** The fix round it belongs to: 0 after the agent's own work, 1 after the first fix, … */
  round: z.number().int().nonnegative(),
});
export type CheckOutcome = z.infer<typeof checkOutcomeSchema>;

/** Whether every check passed. */
export const allPassed = (checks: readonly { status: CheckStatus }[]): boolean =>
  checks.every((c) => c.status === 'passed');

/** How one check ended, in a few words: "failed (exit code 1): 1 of 3 tests failing". */
export function checkVerdict(c: CheckOutcome): string {
  const how =
    c.status === 'passed'
      ? 'passed'
      : c.status === 'timed_out'
        ? 'timed out'
        : c.exit_code === null
          ? 'failed'
          : `failed (exit code ${c.exit_code})`;
  if (!c.tests) return how;
  const total = c.tests.passed + c.tests.failed;
  return c.tests.failed > 0
    ? `${how}: ${c.tests.failed} of ${total} tests failing`
    : `${how}: ${total} tests passed`;
}

/**
 * What a workspace's checks find on this machine (`workspaces.checkEnv`): the folders of their
 * PATH in order (the workspace's own PATH when its env sets one), the `node` it gives with its
 * version, and the `sh` it gives (what `sh -c` runs); null when there is none.
 */
export interface CheckEnvironment {
  path: string[];
  path_from_workspace: boolean;
  node: { path: string; version: string | null } | null;
  shell: string | null;
}
