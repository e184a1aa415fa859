import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '..', '..');
const HOME = 'components/shared/lazy-retry.ts';

/** Every .ts and .tsx file of the renderer, by its path under src/, tests left out. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [relative(src, path)] : [];
  });
}

// React keeps a lazy part's failed load for good: a part first opened while the host was down
// stayed broken once it was back. `lazyRetry` loads it again on "Try again"; React's own `lazy`
// is used there only.
describe('the parts of the app loaded on first use', () => {
  it('are loaded through lazyRetry, so a load that failed is made again on Try again', () => {
    const plain = sources(src).filter((file) => {
      if (file === HOME) return false;
      const text = readFileSync(join(src, file), 'utf8');
      return /\bReact\.lazy\s*\(/.test(text) || /import\s*\{[^}]*\blazy\b[^}]*\}\s*from\s*'react'/.test(text);
    });
    expect(plain).toEqual([]);
  });

  it('finds the files that load a part on first use', () => {
    const users = sources(src).filter((file) => readFileSync(join(src, file), 'utf8').includes('lazyRetry('));
    for (const file of [
      'components/plans/NewPlanDialog.tsx',
      'components/approvals/ApprovalCard.tsx',
      'components/runs/task-detail/TakeOver.tsx',
      'components/runs/task-detail/TaskDetail.tsx',
      'components/app/screens.tsx',
    ])
      expect(users).toContain(file);
  });
});
