/** A step of the time axis: 1, 2 or 5 times a power of ten ms, or a round number of minutes or hours. */
const STEPS = [
  ...[1, 10, 100, 1_000, 10_000].flatMap((p) => [1 * p, 2 * p, 5 * p]),
  30_000,
  60_000,
  120_000,
  300_000,
  600_000,
  1_800_000,
  3_600_000,
  7_200_000,
  21_600_000,
  43_200_000,
  86_400_000,
];

/**
 * Where the time axis of a run `span` ms long has its ticks and gridlines: from 0, every round
 * step that gives at most `most` of them after 0 (at least one), the last at or before the end.
 */
export function timeTicks(span: number, most = 6): number[] {
  if (!Number.isFinite(span) || span <= 0) return [0];
  const step = STEPS.find((s) => span / s <= most) ?? Math.ceil(span / most / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let t = 0; t <= span + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/**
 * The ticks of a part of the axis, `from` to `to` ms after the run's start: every round step
 * that gives at most `most` of them in that part (at least one), on multiples of the step.
 */
export function windowTicks(from: number, to: number, most = 6): number[] {
  const width = to - from;
  if (!Number.isFinite(width) || width <= 0) return [Math.max(0, from)];
  const step = STEPS.find((s) => width / s <= most) ?? Math.ceil(width / most / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let t = Math.max(0, Math.ceil(from / step - 1e-9) * step); t <= to + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** About the room one tick's label takes on the axis ("1 min 20 s" and a gap), in px. */
const TICK_LABEL_PX = 90;

/**
 * How many ticks after the first an axis `width` px wide has room for, each label apart from the
 * next (at 390 px wide, six labels ran into each other): 2 to 6.
 */
export function ticksFor(width: number): number {
  if (!Number.isFinite(width) || width <= 0) return 6;
  return Math.max(2, Math.min(6, Math.floor(width / TICK_LABEL_PX) - 1));
}
