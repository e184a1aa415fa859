import type { TestSpecification } from 'vitest/node';
import { BaseSequencer } from 'vitest/node';

/**
 * The order the one pool takes test files in. Vitest's own puts each project's files after the
 * one before (by name: coding-agents, e2e, mcp, unit) and, in a clean clone (no timings kept yet),
 * the largest file of a project first. So the suite ran in phases: the coding CLIs' files, which
 * mostly wait on their programs, with a core idle; then the browser's, which keep both busy; and
 * last a 70-second integration file (small, so sorted last) alone after every other had ended.
 *
 * Here each project keeps Vitest's order, but with its files under `test/` (integration: real
 * programs, seconds each) before those beside the code (milliseconds each), and the projects take
 * turns, one file each, so files that wait and files that compute run side by side and the run
 * ends on short files.
 */
export default class TakingTurns extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const byProject = new Map<string, TestSpecification[]>();
    for (const spec of sorted) {
      const list = byProject.get(spec.project.name) ?? [];
      list.push(spec);
      byProject.set(spec.project.name, list);
    }
    const queues = [...byProject.values()].map((list) => [
      ...list.filter((s) => isIntegration(s)),
      ...list.filter((s) => !isIntegration(s)),
    ]);
    const order: TestSpecification[] = [];
    for (let i = 0; order.length < sorted.length; i++)
      for (const q of queues) if (i < q.length) order.push(q[i]!);
    return order;
  }
}

function isIntegration(spec: TestSpecification): boolean {
  return /[\\/]test[\\/]/.test(spec.moduleId.slice(spec.project.config.root.length));
}
