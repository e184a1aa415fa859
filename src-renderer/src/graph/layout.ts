import dagre from '@dagrejs/dagre';

export interface LayoutInput {
  nodes: { id: string; width: number; height: number }[];
  edges: { source: string; target: string }[];
  /** Left to right (the default), or top to bottom; the layered layout of large plans is always left to right. */
  direction?: 'LR' | 'TB' | undefined;
}
export type Positions = Record<string, { x: number; y: number }>;
export interface Point {
  x: number;
  y: number;
}
/**
 * Where each dependency's arrow goes between its two cards, by edge id (`source->target`): the
 * points between them, in order, in the same coordinates as the positions. An arrow drawn
 * through them passes beside the cards of the levels it skips, never under one.
 */
export type Routes = Record<string, Point[]>;
/** Where the cards go, and where the arrows go between them (none for the layered layout). */
export interface Layout {
  positions: Positions;
  routes: Routes;
}

/** Above this many nodes, the linear-time layered layout replaces dagre. */
export const LARGE_GRAPH = 400;

/** Layered left-to-right layout. Pure: the same input always gives the same positions. */
export function layoutGraph(input: LayoutInput): Positions {
  return layoutWithRoutes(input).positions;
}

/**
 * The layout and the arrows' routes: dagre's for a plan it lays out; none for a large plan's
 * layered layout (its arrows are drawn straight).
 */
export function layoutWithRoutes(input: LayoutInput): Layout {
  return input.nodes.length > LARGE_GRAPH
    ? { positions: layeredLayout(input), routes: {} }
    : dagreLayout(input);
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

/** What edgeRoutes reads of a laid-out dagre graph. */
interface DagreGraph {
  node(id: string): { x: number; y: number };
  edge(v: string, w: string): { points?: Point[] } | undefined;
}

function dagreLayout(input: LayoutInput): Layout {
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
  return { positions: out, routes: edgeRoutes(g, input, tb) };
}

/**
 * Each edge's route from dagre's points. Dagre gives a point for each level of cards an edge
 * passes (a place kept free for it among that level's cards) and one in each gap between
 * levels. The route keeps, for each level passed, where the arrow enters and leaves it: the
 * arrow crosses the level straight, in the room kept for it, and curves only in the gaps,
 * where there are no cards. An edge between neighbouring levels has an empty route.
 */
function edgeRoutes(g: DagreGraph, input: LayoutInput, tb: boolean): Routes {
  // Each level's centre along the layout's direction, and its depth (the widest card in it).
  const levels = new Map<number, number>();
  for (const n of input.nodes) {
    const p = g.node(n.id);
    const at = Math.round(tb ? p.y : p.x);
    levels.set(at, Math.max(levels.get(at) ?? 0, tb ? n.height : n.width));
  }
  const routes: Routes = {};
  for (const e of input.edges) {
    const points = g.edge(e.source, e.target)?.points ?? [];
    const route: Point[] = [];
    // The first and last points are on the two cards' borders: the arrow starts and ends at their handles.
    for (const p of points.slice(1, -1)) {
      const depth = levels.get(Math.round(tb ? p.y : p.x));
      if (depth === undefined) continue;
      if (tb) route.push({ x: p.x, y: p.y - depth / 2 }, { x: p.x, y: p.y + depth / 2 });
      else route.push({ x: p.x - depth / 2, y: p.y }, { x: p.x + depth / 2, y: p.y });
    }
    if (route.length > 0) routes[`${e.source}->${e.target}`] = route;
  }
  return routes;
}
