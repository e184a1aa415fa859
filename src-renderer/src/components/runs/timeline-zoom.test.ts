import { describe, expect, it } from 'vitest';
import { windowTicks } from './timeline-ticks.ts';
import { brushed, MIN_WINDOW_MS, zoomAt } from './timeline-zoom.ts';

describe('zooming the timeline', () => {
  it('zooms in around a point, which stays where it is', () => {
    expect(zoomAt(null, 0.5, 500, 1_000)).toEqual({ from: 250, to: 750 });
    expect(zoomAt(null, 0.5, 0, 1_000)).toEqual({ from: 0, to: 500 });
    expect(zoomAt({ from: 0, to: 500 }, 0.5, 100, 1_000)).toEqual({ from: 50, to: 300 });
  });

  it('zooms out inside the run, and to all of it past its length', () => {
    expect(zoomAt({ from: 900, to: 1_000 }, 2, 950, 1_000)).toEqual({ from: 800, to: 1_000 });
    expect(zoomAt({ from: 250, to: 750 }, 2, 500, 1_000)).toBeNull();
  });

  it('never shows less than a few milliseconds', () => {
    expect(zoomAt({ from: 0, to: 6 }, 0.1, 3, 1_000)).toEqual({
      from: 3 - MIN_WINDOW_MS / 2,
      to: 3 + MIN_WINDOW_MS / 2,
    });
  });

  it('zooms to the part of the axis dragged across, either way', () => {
    expect(brushed(700, 300, 1_000)).toEqual({ from: 300, to: 700 });
    expect(brushed(-50, 2_000, 1_000)).toBeNull();
  });

  it('ticks a part of the axis at round times inside it', () => {
    expect(windowTicks(250, 750)).toEqual([300, 400, 500, 600, 700]);
    expect(windowTicks(0, 1_400)).toEqual([0, 500, 1_000]);
  });
});
