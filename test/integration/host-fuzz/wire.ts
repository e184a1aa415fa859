import { connect } from 'node:net';

/** What came back for one request: the final status (0: none), and the body as text. */
export interface Answer {
  status: number;
  body: string;
  /** No answer before the deadline (the server waits for more than was sent). */
  timedOut: boolean;
}

const DEADLINE_MS = 2_000;

/**
 * Writes `bytes` on a fresh connection and reads one answer: skips 1xx, then reads the body by
 * Content-Length, chunked framing, or until the server closes. Never throws.
 */
export function send(port: number, bytes: Buffer, head = false): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = (timedOut = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parse(buf, head, true), timedOut });
    };
    const timer = setTimeout(() => finish(true), DEADLINE_MS);
    socket.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      if (parse(buf, head, false).complete) finish();
    });
    socket.on('error', () => finish());
    socket.on('close', () => finish());
    socket.write(bytes, () => {});
  });
}

function parse(
  buf: Buffer,
  head: boolean,
  closed: boolean,
): { status: number; body: string; complete: boolean } {
  let rest = buf;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) return { status: 0, body: rest.toString('latin1'), complete: false };
    const lines = rest.subarray(0, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
    const body = rest.subarray(end + 4);
    if (status >= 100 && status < 200 && status !== 101) {
      rest = body;
      continue;
    }
    const header = (name: string) =>
      lines
        .find((l) => l.toLowerCase().startsWith(`${name}:`))
        ?.slice(name.length + 1)
        .trim();
    const length = header('content-length');
    if (head || status === 101 || status === 204 || status === 304)
      return { status, body: '', complete: true };
    if (length !== undefined) {
      const n = Number(length);
      return { status, body: body.subarray(0, n).toString('utf8'), complete: body.length >= n };
    }
    if (header('transfer-encoding')?.toLowerCase() === 'chunked') {
      return {
        status,
        body: body.toString('utf8'),
        complete: body.includes('\r\n0\r\n\r\n') || body.indexOf('0\r\n\r\n') === 0,
      };
    }
    return { status, body: body.toString('utf8'), complete: closed };
  }
}

/** A WebSocket frame from a client: masked unless told otherwise. */
export function frame(
  opcode: number,
  payload: Buffer,
  opts: { fin?: boolean; mask?: boolean; rsv?: number; claimLength?: number } = {},
): Buffer {
  const fin = opts.fin ?? true;
  const mask = opts.mask ?? true;
  const len = opts.claimLength ?? payload.length;
  const head: number[] = [(fin ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | (opcode & 0x0f)];
  const maskBit = mask ? 0x80 : 0;
  if (len < 126) head.push(maskBit | len);
  else if (len < 65_536) head.push(maskBit | 126, len >> 8, len & 0xff);
  else {
    head.push(maskBit | 127);
    const big = Buffer.alloc(8);
    big.writeBigUInt64BE(BigInt(len));
    head.push(...big);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([Buffer.from(head), key, masked]);
}

/** Server frames: text payloads and a close code, read from what came after the 101. */
export function readFrames(buf: Buffer): { texts: string[]; closeCode: number | null } {
  const texts: string[] = [];
  let closeCode: number | null = null;
  let i = 0;
  while (i + 2 <= buf.length) {
    const opcode = buf[i]! & 0x0f;
    let len = buf[i + 1]! & 0x7f;
    let at = i + 2;
    if (len === 126) {
      if (at + 2 > buf.length) break;
      len = buf.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      if (at + 8 > buf.length) break;
      len = Number(buf.readBigUInt64BE(at));
      at += 8;
    }
    if (at + len > buf.length) break;
    const payload = buf.subarray(at, at + len);
    if (opcode === 1) texts.push(payload.toString('utf8'));
    if (opcode === 8) closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    i = at + len;
  }
  return { texts, closeCode };
}

/**
 * An upgrade, then `frames` one after another; resolves with the upgrade's status, what the
 * server sent back as frames, and whether the session ended by the deadline. `until` says when
 * the answers are all in (e.g. the reply to a last call arrived).
 */
export function session(
  port: number,
  upgrade: Buffer,
  frames: Buffer[],
  until: (texts: string[]) => boolean,
): Promise<{ status: number; texts: string[]; closeCode: number | null; body: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    let upgraded = -1;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const end = buf.indexOf('\r\n\r\n');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(buf.toString('latin1', 0, 20))?.[1] ?? 0);
      if (status !== 101) return resolve({ status, texts: [], closeCode: null, body: buf.toString('utf8') });
      const { texts, closeCode } = readFrames(buf.subarray(end + 4));
      resolve({ status, texts, closeCode, body: '' });
    };
    const timer = setTimeout(finish, DEADLINE_MS);
    socket.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      if (upgraded === -1) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        upgraded = buf.toString('latin1', 0, 12).includes(' 101') ? end + 4 : 0;
        if (upgraded === 0) return;
        for (const f of frames) socket.write(f, () => {});
      }
      if (upgraded > 0) {
        const { texts, closeCode } = readFrames(buf.subarray(upgraded));
        if (closeCode !== null || until(texts)) finish();
      }
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(upgrade, () => {});
  });
}
