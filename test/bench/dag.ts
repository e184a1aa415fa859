// The DAG shapes every system runs. `layers`: layers of `width` tasks; each task of layer k > 0
// depends on 2–3 distinct tasks of layer k − 1, picked by a seeded PRNG (same DAG every run).
// `chain`: each task depends on the one before (the shape of Windmill's orchestration benchmark).

export interface DagTask {
  id: string;
  layer: number;
  deps: string[];
}

export interface Dag {
  tasks: DagTask[];
  layers: number;
  edges: number;
}

export const BENCH_SEED = 0xba70;
export const BENCH_WIDTH = 100;

/** mulberry32: a small, fast, deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function layeredDag(size: number, width = BENCH_WIDTH, seed = BENCH_SEED): Dag {
  const rand = prng(seed);
  const tasks: DagTask[] = [];
  let prev: string[] = [];
  let edges = 0;
  let layer = 0;
  while (tasks.length < size) {
    const n = Math.min(width, size - tasks.length);
    const cur: string[] = [];
    for (let i = 0; i < n; i++) {
      const id = `t${tasks.length}`;
      const deps: string[] = [];
      if (prev.length > 0) {
        const want = Math.min(prev.length, 2 + Math.floor(rand() * 2));
        while (deps.length < want) {
          const pick = prev[Math.floor(rand() * prev.length)]!;
          if (!deps.includes(pick)) deps.push(pick);
        }
      }
      edges += deps.length;
      tasks.push({ id, layer, deps });
      cur.push(id);
    }
    prev = cur;
    layer++;
  }
  return { tasks, layers: layer, edges };
}

/** A chain: task i depends on task i − 1 only, so every hand-off is on the critical path. */
export function chainDag(size: number): Dag {
  const tasks: DagTask[] = [];
  for (let i = 0; i < size; i++) tasks.push({ id: `t${i}`, layer: i, deps: i === 0 ? [] : [`t${i - 1}`] });
  return { tasks, layers: size, edges: Math.max(0, size - 1) };
}

export const DAG_SHAPES = ['layers', 'chain'] as const;
export type DagShape = (typeof DAG_SHAPES)[number];

export function benchDag(shape: DagShape, size: number): Dag {
  return shape === 'chain' ? chainDag(size) : layeredDag(size);
}

/** Task ids are `t<index>`: the index into the DAG's task list. */
export function taskIndex(id: string): number {
  return Number(id.slice(1));
}
