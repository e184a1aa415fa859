/** The fewest and most characters' worth the run's Task column takes (a longer id ends in …). */
export const TASK_COLUMN_CHARS = { min: 8, max: 22 } as const;

/**
 * The width of the run's Task column in pixels: the widest id as it is drawn (`measure`: its
 * width in the cell's font, bold), plus `pad`, kept between 8 and 22 characters' worth of the
 * font's average letter (`measure` of a sample of lowercase letters). Measured rather than
 * counted: `wwwwwwww` and `illicit` are as long but not as wide.
 */
export function taskColumnWidth(ids: readonly string[], measure: (text: string) => number, pad = 2): number {
  const letter = measure('abcdefghijklmnopqrstuvwxyz') / 26;
  const widest = Math.max(0, ...ids.map(measure));
  const min = TASK_COLUMN_CHARS.min * letter;
  const max = TASK_COLUMN_CHARS.max * letter;
  return Math.ceil(Math.min(max, Math.max(min, widest)) + pad);
}

let canvas: HTMLCanvasElement | null = null;

/** Text's width in `font` (a computed CSS font), by a canvas; null where there is none. */
export function measurer(font: string): ((text: string) => number) | null {
  canvas ??= document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.font = font;
  return (text) => ctx.measureText(text).width;
}
