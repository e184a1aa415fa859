import dagre from '@dagrejs/dagre';

export interface LayoutInput {
  nodes: { id: string; width: number; height: number }[];
  edges: { source: string; target: string }[];
  /** Left to right (the default), or top to bottom; the layered layout of large plans is always left to right. */
  direction?: 'LR' | 'TB' | undefined;
}
export type Positions = Record<string, { x: number; y: number }>;

/** Above this many nodes, the linear-time layered layout replaces dagre. */
export const LARGE_GRAPH = 400;

/** Layered left-to-right layout. Pure: the same input always gives the same positions. */
export function layoutGraph(input: LayoutInput): Positions {
  return input.nodes.length > LARGE_GRAPH ? layeredLayout(input) : dagreLayout(input);
}

/**
 * Linear-time layout for large plans: each node's column is its longest path from a root;
 * within a column, nodes are ordered by the mean row of their parents (one barycentre pass).
 */
export function layeredLayout(input: LayoutInput): Positions {
  const parents = new Map<string, string[]>();
  const children = new Map<string, string[]>();
  for (const e of input.edges) {
    parents.set(e.target, [...(parents.get(e.target) ?? []), e.source]);
    children.set(e.source, [...(children.get(e.source) ?? []), e.target]);
  }
  const indegree = new Map(input.nodes.map((n) => [n.id, parents.get(n.id)?.length ?? 0]));
  const layer = new Map<string, number>();
  const queue = input.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  for (const id of queue) layer.set(id, 0);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    for (const c of children.get(id) ?? []) {
      layer.set(c, Math.max(layer.get(c) ?? 0, layer.get(id)! + 1));
      indegree.set(c, indegree.get(c)! - 1);
      if (indegree.get(c) === 0) queue.push(c);
    }
  }
  const columns: string[][] = [];
  for (const n of input.nodes) {
    const l = layer.get(n.id) ?? 0;
    const col = columns[l] ?? [];
    col.push(n.id);
    columns[l] = col;
  }
  const row = new Map<string, number>();
  const size = new Map(input.nodes.map((n) => [n.id, n]));
  const out: Positions = {};
  let x = 20;
  for (const col of columns) {
    if (!col) continue;
    const key = (id: string) => {
      const ps = parents.get(id);
      return ps && ps.length > 0 ? ps.reduce((sum, p) => sum + (row.get(p) ?? 0), 0) / ps.length : 0;
    };
    col.sort((a, b) => key(a) - key(b));
    let y = 20;
    let widest = 0;
    col.forEach((id, i) => {
      const n = size.get(id)!;
      row.set(id, i);
      out[id] = { x, y };
      y += n.height + 28;
      widest = Math.max(widest, n.width);
    });
    x += widest + 80;
  }
  return out;
}

function dagreLayout(input: LayoutInput): Positions {
  const g = new dagre.graphlib.Graph();
  const tb = input.direction === 'TB';
  g.setGraph({
    rankdir: tb ? 'TB' : 'LR',
    nodesep: tb ? 40 : 28,
    ranksep: tb ? 56 : 80,
    marginx: 20,
    marginy: 20,
  });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of input.nodes) g.setNode(n.id, { width: n.width, height: n.height });
  for (const e of input.edges) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out: Positions = {};
  for (const n of input.nodes) {
    const p = g.node(n.id);
    out[n.id] = { x: p.x - n.width / 2, y: p.y - n.height / 2 };
  }
  return out;
}
