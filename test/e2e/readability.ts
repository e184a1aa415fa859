import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

/** A piece of text whose colour is too close to what is behind it. */
export interface LowContrast {
  text: string;
  color: string;
  background: string;
  ratio: number;
  needed: number;
}

export interface Readability {
  /** The page's own background luminance (0 black – 1 white). */
  pageLuminance: number;
  /** How much visible text `main` holds, in characters. */
  mainText: number;
  /** Visible text elements checked. */
  checked: number;
  lowContrast: LowContrast[];
  /** Error boundaries showing (a view that crashed). */
  crashed: string[];
}

/**
 * Checks every visible piece of text on the page against WCAG contrast (4.5:1, or 3:1 for
 * large text): its colour, faded by its own and its ancestors' opacity, over the colour
 * actually behind it (translucent backgrounds composited down to the first opaque one).
 * Colours are read back from a canvas, so any CSS colour syntax (color-mix, color()) works.
 * Disabled controls are exempt, as in WCAG.
 */
export function readability(page: Page): Promise<Readability> {
  return page.evaluate(() => {
    type Rgba = [number, number, number, number];
    const canvas = document.createElement('canvas');
    canvas.width = 1;
    canvas.height = 1;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const cache = new Map<string, Rgba>();
    const parse = (css: string): Rgba => {
      const hit = cache.get(css);
      if (hit) return hit;
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      const out: Rgba = [r!, g!, b!, a! / 255];
      cache.set(css, out);
      return out;
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const a = top[3] + under[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      const mix = (i: 0 | 1 | 2) => (top[i] * top[3] + under[i] * under[3] * (1 - top[3])) / a;
      return [mix(0), mix(1), mix(2), a];
    };
    const channel = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const luminance = (c: Rgba) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
    const ratio = (a: Rgba, b: Rgba) => {
      const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
      return (x + 0.05) / (y + 0.05);
    };
    const hex = (c: Rgba) =>
      `#${c
        .slice(0, 3)
        .map((v) => Math.round(v).toString(16).padStart(2, '0'))
        .join('')}`;

    const pageBg = (() => {
      let bg: Rgba = [255, 255, 255, 1];
      for (const el of [document.documentElement, document.body])
        bg = over(parse(getComputedStyle(el).backgroundColor), bg);
      return bg;
    })();
    /** The opaque colour behind an element: its and its ancestors' backgrounds composited. */
    const backdrop = (el: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) {
        const c = parse(getComputedStyle(e).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      let bg = layers.length > 0 && layers[layers.length - 1]![3] >= 1 ? layers.pop()! : pageBg;
      for (const layer of layers.reverse()) bg = over(layer, bg);
      return bg;
    };
    const fade = (el: Element) => {
      let o = 1;
      for (let e: Element | null = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
      return o;
    };

    const lowContrast: LowContrast[] = [];
    let checked = 0;
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const seen = new Set<Element>();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || seen.has(el) || !n.textContent?.trim()) continue;
      seen.add(el);
      if (el.closest('svg, script, style, noscript, :disabled, [aria-disabled="true"]')) continue;
      const rect = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (rect.width === 0 || rect.height === 0 || style.visibility !== 'visible') continue;
      const opacity = fade(el);
      if (opacity === 0) continue;
      checked++;
      const bg = backdrop(el);
      const fg0 = parse(style.color);
      const fg = over([fg0[0], fg0[1], fg0[2], fg0[3] * opacity], bg);
      const size = Number.parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      const needed = large ? 3 : 4.5;
      const r = ratio(fg, bg);
      if (r < needed) {
        lowContrast.push({
          text: n.textContent.trim().slice(0, 60),
          color: hex(fg),
          background: hex(bg),
          ratio: Math.round(r * 100) / 100,
          needed,
        });
      }
    }
    const main = document.querySelector('main');
    return {
      pageLuminance: luminance(pageBg),
      mainText: main ? (main as HTMLElement).innerText.trim().length : 0,
      checked,
      lowContrast,
      crashed: [...document.querySelectorAll('.crash h2')].map((h) => h.textContent ?? ''),
    };
  });
}

/**
 * Shows the page in `scheme` and expects it readable: no view crashed, no text below its
 * contrast. `label` (a width, a screen's name) is part of what a failure prints; `switched`
 * waits for what follows the scheme on its own (a highlighted diff's theme) before looking.
 */
export async function expectReadableIn(
  page: Page,
  scheme: 'light' | 'dark',
  label: Record<string, unknown> = {},
  switched?: () => Promise<unknown>,
): Promise<Readability> {
  await page.emulateMedia({ colorScheme: scheme });
  await switched?.();
  await page.waitForTimeout(150); // colour transitions settle
  const r = await readability(page);
  expect({ ...label, scheme, crashed: r.crashed, lowContrast: r.lowContrast }).toEqual({
    ...label,
    scheme,
    crashed: [],
    lowContrast: [],
  });
  return r;
}

/**
 * How clearly an open modal dialog stands apart from the page: the contrast ratio between the
 * dialog's background and the page's background as seen through the dialog's `::backdrop`.
 * A faint backdrop leaves a white dialog on a near-white page at about 1.1.
 */
export function modalSeparation(dialog: Locator): Promise<number> {
  return dialog.evaluate((d) => {
    type Rgba = [number, number, number, number];
    const ctx = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    const parse = (css: string): Rgba => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = '#000';
      ctx.fillStyle = css;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b, a] = ctx.getImageData(0, 0, 1, 1).data;
      return [r!, g!, b!, a! / 255];
    };
    const over = (top: Rgba, under: Rgba): Rgba => {
      const mix = (i: 0 | 1 | 2) => top[i] * top[3] + under[i] * (1 - top[3]);
      return [mix(0), mix(1), mix(2), 1];
    };
    const channel = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const luminance = (c: Rgba) => 0.2126 * channel(c[0]) + 0.7152 * channel(c[1]) + 0.0722 * channel(c[2]);
    let pageBg: Rgba = [255, 255, 255, 1];
    for (const el of [document.documentElement, document.body])
      pageBg = over(parse(getComputedStyle(el).backgroundColor), pageBg);
    const behind = over(parse(getComputedStyle(d, '::backdrop').backgroundColor), pageBg);
    const front = over(parse(getComputedStyle(d).backgroundColor), behind);
    const [x, y] = [luminance(front), luminance(behind)].sort((p, q) => q - p) as [number, number];
    return Math.round(((x + 0.05) / (y + 0.05)) * 100) / 100;
  });
}

/**
 * A screen at 1440 and 1024 wide, light and dark: readable each time (as `expectReadableIn`,
 * `switched` waiting for what follows the scheme), with a picture of each in `dir`
 * (`<name>-<width>-<scheme>.png`). Leaves the page at its first size, in the light theme.
 */
export async function expectReadableAtWidths(
  page: Page,
  name: string,
  dir: string,
  switched?: (scheme: 'light' | 'dark') => Promise<unknown>,
): Promise<void> {
  const first = page.viewportSize();
  const height = first?.height ?? 1000;
  for (const width of [1440, 1024]) {
    await page.setViewportSize({ width, height });
    for (const scheme of ['light', 'dark'] as const) {
      await expectReadableIn(page, scheme, { width }, switched && (() => switched(scheme)));
      await page.screenshot({ path: `${dir}/${name}-${width}-${scheme}.png` });
    }
  }
  if (first) await page.setViewportSize(first);
  await page.emulateMedia({ colorScheme: 'light' });
}
