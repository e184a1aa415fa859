/**
 * What a large request body may hold before it is parsed. `JSON.parse` runs on the thread that
 * serves every client and the engine: 60 MB of `[{},{},…]` (20 million objects) took 26 s and
 * 4 GB, and 4 million keys in one object 23 s, before any check of the input could refuse them.
 * A single pass over the text (no allocation) counts what parsing would build, and a body past
 * these limits is refused unparsed. The limits are far above any real input: a plan of 200,000
 * tasks holds under a million objects and arrays.
 */
export const JSON_LIMITS = {
  /** Objects and arrays in the whole body. */
  containers: 2_000_000,
  /** Values in the whole body (array elements and object members). */
  values: 10_000_000,
  /** Members of one object. */
  keys: 100_000,
  /** Objects and arrays inside each other (the input's checks name the field past 2,000). */
  depth: 4_000,
} as const;

/** Texts shorter than this are parsed without the scan: they cannot hold enough to matter. */
const SCAN_FROM_CHARS = 256 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Why the JSON text holds more than `JSON_LIMITS` allow, or null. The text need not be valid
 * JSON: what is not is left to the parser to refuse.
 */
export function jsonTooBig(text: string, limits: typeof JSON_LIMITS = JSON_LIMITS): string | null {
  if (text.length < SCAN_FROM_CHARS) return null;
  let containers = 0;
  let values = 0;
  // Each open object's member count, innermost last (-1 for an array).
  const keys: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    switch (c) {
      case QUOTE:
        inString = true;
        break;
      case OPEN_OBJECT:
      case OPEN_ARRAY:
        if (++containers > limits.containers)
          return `it holds more than ${limits.containers.toLocaleString('en')} objects and arrays`;
        if (keys.length >= limits.depth)
          return `it nests objects and arrays more than ${limits.depth.toLocaleString('en')} levels deep`;
        keys.push(c === OPEN_OBJECT ? 0 : -1);
        break;
      case CLOSE_OBJECT:
      case CLOSE_ARRAY:
        keys.pop();
        break;
      case COLON: {
        const top = keys.length - 1;
        if (top >= 0 && keys[top]! >= 0 && ++keys[top]! > limits.keys)
          return `an object in it has more than ${limits.keys.toLocaleString('en')} members`;
        break;
      }
      case COMMA:
        if (++values > limits.values)
          return `it holds more than ${limits.values.toLocaleString('en')} values`;
        break;
    }
  }
  return null;
}
