/**
 * A server-sent events reader for streamed chat completions: feed it decoded text as it
 * arrives; it returns the `data` of each complete event (`[DONE]` included, as is). Comments
 * and other fields are skipped. Throws when one event grows beyond `maxEventChars`.
 */
export function createSseReader(maxEventChars = 1024 * 1024) {
  let buffer = '';
  let data: string[] = [];
  let dataChars = 0;
  const takeLine = (line: string, out: string[]) => {
    if (line === '') {
      if (data.length > 0) out.push(data.join('\n'));
      data = [];
      dataChars = 0;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    // The event is its lines joined by newlines: each line after the first adds one, so many
    // empty `data:` lines (nothing of their own) still grow it, and are counted toward the cap.
    dataChars += value.length + (data.length > 0 ? 1 : 0);
    if (dataChars > maxEventChars)
      throw new Error(`a stream event is larger than ${maxEventChars} characters`);
    data.push(value);
  };
  return {
    push(text: string): string[] {
      buffer += text;
      const out: string[] = [];
      const newline = /\r\n|\r|\n/g;
      let start = 0;
      for (;;) {
        newline.lastIndex = start;
        const m = newline.exec(buffer);
        if (m === null) break;
        const end = m.index;
        const width = m[0].length;
        // A lone \r at the very end may be the first half of \r\n: wait for more.
        if (buffer[end] === '\r' && width === 1 && end === buffer.length - 1) break;
        takeLine(buffer.slice(start, end), out);
        start = end + width;
      }
      buffer = buffer.slice(start);
      if (buffer.length > maxEventChars)
        throw new Error(`a stream line is longer than ${maxEventChars} characters`);
      return out;
    },
    /** Whatever complete event is left when the stream ends without a final blank line. */
    end(): string[] {
      const out: string[] = [];
      if (buffer) takeLine(buffer, out);
      buffer = '';
      takeLine('', out);
      return out;
    },
  };
}
