export interface Line {
  text: string;
  /** Bytes dropped from the end of an over-long line. */
  truncated: number;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Splits a byte stream into lines without ever holding more than `maxBytes` of one line:
 * the rest of an over-long line is counted and dropped. Invalid UTF-8 becomes U+FFFD, NUL
 * bytes too, and a trailing `\r` is removed, so any bytes at all give printable lines.
 */
export function createLineSplitter(maxBytes: number) {
  let parts: Buffer[] = [];
  let size = 0;
  let dropped = 0;
  const append = (seg: Buffer) => {
    const take = Math.min(seg.length, maxBytes - size);
    if (take > 0) {
      parts.push(seg.subarray(0, take));
      size += take;
    }
    dropped += seg.length - Math.max(0, take);
  };
  const take = (): Line => {
    let bytes = Buffer.concat(parts, size);
    if (dropped === 0 && bytes.at(-1) === 0x0d) bytes = bytes.subarray(0, -1);
    const line = { text: decoder.decode(bytes).replaceAll('\0', '\uFFFD'), truncated: dropped };
    parts = [];
    size = 0;
    dropped = 0;
    return line;
  };
  return {
    push(chunk: Buffer): Line[] {
      const lines: Line[] = [];
      let pos = 0;
      for (let nl = chunk.indexOf(0x0a, pos); nl !== -1; nl = chunk.indexOf(0x0a, pos)) {
        append(chunk.subarray(pos, nl));
        lines.push(take());
        pos = nl + 1;
      }
      if (pos < chunk.length) append(chunk.subarray(pos));
      return lines;
    },
    /** The last line, when the stream ended without a newline. */
    end(): Line | null {
      return size > 0 || dropped > 0 ? take() : null;
    },
  };
}

/** Cuts text to `max` characters, saying how much was cut. */
export function truncateText(text: string, max: number, alreadyDropped = 0): string {
  const over = Math.max(0, text.length - max);
  if (over === 0 && alreadyDropped === 0) return text;
  const cut = over > 0 ? `${over} characters` : '';
  const bytes = alreadyDropped > 0 ? `${alreadyDropped} bytes` : '';
  return `${text.slice(0, max)} … [truncated ${[cut, bytes].filter(Boolean).join(' and ')}]`;
}
