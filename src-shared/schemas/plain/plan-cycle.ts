// A plan's dependency cycle, found without zod (the designer and the plan's checks use it).

/** Returns one cycle as a closed path (`a → b → a`), or null. Iterative: safe for deep plans. */
export function findCycle(
  tasks: readonly { task_id: string; depends_on: readonly string[] }[],
): string[] | null {
  // A repeated id keeps its first place and its last list of dependencies.
  const index = new Map<string, number>();
  const edges: (readonly string[] | undefined)[] = new Array(tasks.length);
  tasks.forEach((t, i) => {
    const first = index.get(t.task_id);
    if (first === undefined) index.set(t.task_id, i);
    edges[first ?? i] = t.depends_on;
  });
  return cycleIn(tasks, edges, index);
}

/**
 * `findCycle` over tasks by index: `edges[i]` the dependencies task i may follow (undefined: it
 * is left out), `index` each id's task. The tasks are searched from in their order, each
 * task's dependencies in theirs. Its state is two typed arrays and a stack of indexes: a
 * 100,000-task plan's check made two Maps and a stack object per task before.
 */
export function cycleIn(
  tasks: readonly ({ task_id: string } | undefined)[],
  edges: readonly (readonly string[] | undefined)[],
  index: ReadonlyMap<string, number>,
): string[] | null {
  const n = edges.length;
  const state = new Uint8Array(n); // 1 = on the stack, 2 = finished
  const stack = new Int32Array(n);
  const next = new Int32Array(n);
  for (let root = 0; root < n; root++) {
    if (edges[root] === undefined || state[root] !== 0) continue;
    let depth = 0;
    stack[0] = root;
    next[0] = 0;
    state[root] = 1;
    while (depth >= 0) {
      const top = stack[depth]!;
      const deps = edges[top]!;
      if (next[depth]! < deps.length) {
        const dep = deps[next[depth]!++]!;
        const at = index.get(dep);
        if (at === undefined || edges[at] === undefined) continue;
        if (state[at] === 1) {
          const path: string[] = [];
          let from = 0;
          while (stack[from] !== at) from++;
          for (let k = from; k <= depth; k++) path.push(tasks[stack[k]!]!.task_id);
          path.push(dep);
          // Report in the direction work flows: a task before the one that waits on it.
          return path.reverse();
        }
        if (state[at] === 0) {
          state[at] = 1;
          stack[++depth] = at;
          next[depth] = 0;
        }
      } else {
        state[top] = 2;
        depth--;
      }
    }
  }
  return null;
}
