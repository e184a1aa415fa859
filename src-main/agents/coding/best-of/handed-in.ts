import type { BestOfSummary } from '../../../../src-shared/schemas/best-of.ts';
import { bestOfSummarySchema } from '../../../../src-shared/schemas/best-of.ts';
import { invalidInput } from '../../../base/errors.ts';

/**
 * The candidates of a best-of attempt a remote worker ran, as it hands them in with its output
 * (`output.best_of`), to be recorded as the app's own are (the leaderboard and matching's wins
 * read them); null when the completion has none. One that does not parse is refused, naming the
 * field, before anything is taken.
 */
export function handedBestOf(status: 'completed' | 'failed', output: unknown): BestOfSummary | null {
  const best = (output as { best_of?: unknown } | null | undefined)?.best_of;
  if (status !== 'completed' || best === undefined) return null;
  const summary = bestOfSummarySchema.safeParse(best);
  if (summary.success) return summary.data;
  throw invalidInput(
    'work.complete',
    summary.error.issues.map((i) => ({
      path: ['output', 'best_of', ...i.path].join('.'),
      message: i.message,
    })),
  );
}
