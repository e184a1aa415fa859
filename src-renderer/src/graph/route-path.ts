import type { Point } from './layout.ts';

/**
 * An arrow's SVG path from `from` to `to` through a route of level crossings (pairs of points:
 * where it enters a level of cards and where it leaves it). It runs straight across each level
 * and, between one level and the next, curves as React Flow's own arrows do: leaving and
 * arriving along the layout's direction (`vertical`: top to bottom), so each curve stays
 * inside its gap.
 */
export function routePath(from: Point, to: Point, route: readonly Point[], vertical: boolean): string {
  const stops = [from, ...route, to];
  let d = `M ${from.x},${from.y}`;
  for (let i = 1; i < stops.length; i++) {
    const a = stops[i - 1]!;
    const b = stops[i]!;
    // Across a level, from where the arrow enters it to where it leaves: a straight line.
    if (i % 2 === 0) {
      d += ` L ${b.x},${b.y}`;
      continue;
    }
    if (vertical) {
      const mid = (a.y + b.y) / 2;
      d += ` C ${a.x},${mid} ${b.x},${mid} ${b.x},${b.y}`;
    } else {
      const mid = (a.x + b.x) / 2;
      d += ` C ${mid},${a.y} ${mid},${b.y} ${b.x},${b.y}`;
    }
  }
  return d;
}
