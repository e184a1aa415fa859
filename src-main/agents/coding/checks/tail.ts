/**
 * The last `cap` bytes of a stream of text, kept as it comes in chunks: a check printing 100 MB
 * holds at most about twice the cap in memory. `text()` is the tail, cut at a character, with
 * how much came before it said on its first line.
 */
export function createTail(cap: number) {
  let chunks: string[] = [];
  let held = 0;
  let total = 0;
  const compact = () => {
    const joined = Buffer.from(chunks.join(''), 'utf8');
    const kept = joined.subarray(Math.max(0, joined.length - cap));
    chunks = [kept.toString('utf8')];
    held = kept.length;
  };
  return {
    push(text: string): void {
      const n = Buffer.byteLength(text, 'utf8');
      total += n;
      if (n >= cap) {
        const b = Buffer.from(text, 'utf8');
        chunks = [b.subarray(b.length - cap).toString('utf8')];
        held = cap;
        return;
      }
      chunks.push(text);
      held += n;
      if (held > 2 * cap) compact();
    },
    /** Every byte pushed. */
    get bytes(): number {
      return total;
    },
    text(): string {
      compact();
      // A character cut in two at the start is dropped (it shows as U+FFFD).
      const body = (chunks[0] ?? '').replace(/^\uFFFD+/, '');
      const cut = total - Buffer.byteLength(body, 'utf8');
      return cut > 0 ? `… ${cut.toLocaleString('en')} bytes before this were cut\n${body}` : body;
    },
  };
}
