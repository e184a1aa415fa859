import { describe, expect, it } from 'vitest';
import type { LayoutInput, Point } from './layout.ts';
import { layoutWithRoutes } from './layout.ts';
import { routePath } from './route-path.ts';

const W = 240;
const H = 104;
const plan = (edges: [string, string][], ids: string[], direction?: 'LR' | 'TB'): LayoutInput => ({
  nodes: ids.map((id) => ({ id, width: W, height: H })),
  edges: edges.map(([source, target]) => ({ source, target })),
  direction,
});

/** Whether the straight segment a–b passes through the box (sampled finely). */
function crosses(a: Point, b: Point, box: { x: number; y: number }): boolean {
  for (let i = 0; i <= 200; i++) {
    const x = a.x + ((b.x - a.x) * i) / 200;
    const y = a.y + ((b.y - a.y) * i) / 200;
    if (x > box.x && x < box.x + W && y > box.y && y < box.y + H) return true;
  }
  return false;
}

describe('layoutWithRoutes', () => {
  // a → b → c, and a → c skipping b's level; b2 beside b in that level.
  const input = plan(
    [
      ['a', 'b'],
      ['b', 'c'],
      ['a', 'c'],
      ['a', 'b2'],
      ['b2', 'c'],
    ],
    ['a', 'b', 'b2', 'c'],
  );

  it('routes an edge that skips a level across that level, beside its cards', () => {
    const { positions, routes } = layoutWithRoutes(input);
    const route = routes['a->c']!;
    // One level skipped: where the arrow enters it and where it leaves it, level and straight.
    expect(route).toHaveLength(2);
    expect(route[0]!.y).toBe(route[1]!.y);
    expect(route[1]!.x - route[0]!.x).toBe(W);
    expect(route[0]!.x).toBe(positions.b!.x);
    for (const id of ['b', 'b2']) expect(crosses(route[0]!, route[1]!, positions[id]!)).toBe(false);
  });

  it('gives no route to an edge between neighbouring levels', () => {
    const { routes } = layoutWithRoutes(input);
    expect(routes['a->b']).toBeUndefined();
    expect(routes['b->c']).toBeUndefined();
  });

  it('routes top to bottom too', () => {
    const { positions, routes } = layoutWithRoutes({ ...input, direction: 'TB' });
    const route = routes['a->c']!;
    expect(route[0]!.x).toBe(route[1]!.x);
    expect(route[1]!.y - route[0]!.y).toBe(H);
    for (const id of ['b', 'b2']) expect(crosses(route[0]!, route[1]!, positions[id]!)).toBe(false);
  });
});

describe('routePath', () => {
  it('curves in the gaps and runs straight across a level', () => {
    const d = routePath(
      { x: 0, y: 0 },
      { x: 400, y: 0 },
      [
        { x: 100, y: 50 },
        { x: 300, y: 50 },
      ],
      false,
    );
    expect(d).toBe('M 0,0 C 50,0 50,50 100,50 L 300,50 C 350,50 350,0 400,0');
  });

  it('leaves and arrives vertically when laid out top to bottom', () => {
    expect(routePath({ x: 0, y: 0 }, { x: 0, y: 100 }, [], true)).toBe('M 0,0 C 0,50 0,50 0,100');
  });
});
