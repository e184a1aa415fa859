import type { Known } from './requests.ts';
import { harmlessBody, object, READ_METHODS, segment, WRITE_METHODS } from './requests.ts';
import type { Rng } from './rng.ts';
import { frame } from './wire.ts';

/** The id of the call every session ends with: its reply says the server has read everything. */
export const LAST_CALL = 999_999;

export interface SocketCase {
  upgrade: Buffer;
  frames: Buffer[];
  /** Frames that are well-formed calls (each must get a reply that is not `internal`). */
  calls: number;
}

function upgradeHeaders(r: Rng, k: Known): string[] {
  const own = `http://127.0.0.1:${k.port}`;
  const auth = r.weighted<() => string[]>([
    [4, () => [`Authorization: Bearer ${k.token}`]],
    [3, () => [`Origin: ${own}`, `Sec-WebSocket-Protocol: baton, baton.token.${k.token}`]],
    [
      1,
      () => [
        `Cookie: baton-token-${k.port}=${r.pick(['%', k.token, '%E0%A4%A', `${k.token}%`])}`,
        `Origin: ${own}`,
      ],
    ],
    [
      1,
      () => [
        `Sec-WebSocket-Protocol: ${r.pick(['baton.token.%', ',', 'baton, baton.token.', `baton.token.${k.token}`, 'a b'])}`,
      ],
    ],
    [
      1,
      () => [
        `Authorization: Bearer ${k.token}`,
        `Origin: ${r.pick(['http://evil.example', 'null', '%', own])}`,
      ],
    ],
    [0.5, () => []],
  ])();
  const key = r.chance(0.95) ? 'dGhlIHNhbXBsZSBub25jZQ==' : r.pick(['', 'short', '%%%', 'a'.repeat(100)]);
  const version = r.chance(0.95) ? '13' : r.pick(['8', '', 'x', '99999999999']);
  const path = r.chance(0.85)
    ? '/ws'
    : r.pick(['/', '/ws/', '/ws?x=%', '/%', `/${segment(r, k)}`, '/api/health']);
  const host = r.chance(0.95) ? `127.0.0.1:${k.port}` : r.pick(['evil.example', '', '[::']);
  return [
    `GET ${path} HTTP/1.1`,
    `Host: ${host}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    `Sec-WebSocket-Version: ${version}`,
    `Sec-WebSocket-Key: ${key}`,
    ...auth,
  ];
}

/** A call frame: reads with any input; writes with inputs no schema takes; unknown names. */
function call(r: Rng, k: Known, id: number): Buffer {
  const name = r.weighted<() => string>([
    [6, () => r.pick(READ_METHODS)],
    [2, () => r.pick(WRITE_METHODS)],
    [1, () => r.pick(['constructor', '__proto__', 'toString', '', 'plans.list ', r.text(8, 'abc.')])],
  ])();
  const write = WRITE_METHODS.includes(name);
  const input = write
    ? r.pick([[], [1], 'text', 42, true, -1])
    : r.chance(0.9)
      ? object(r, k)
      : r.pick([null, 7, 'x', []]);
  return frame(1, Buffer.from(JSON.stringify({ id, method: name, input })));
}

export function socketCase(r: Rng, k: Known): SocketCase {
  const lines = upgradeHeaders(r, k);
  const frames: Buffer[] = [];
  let calls = 0;
  for (let i = r.int(1, 8); i > 0; i--) {
    const f = r.weighted<() => Buffer>([
      [
        10,
        () => {
          calls++;
          return call(r, k, r.int(1, 1_000));
        },
      ],
      [2, () => frame(1, harmlessBody(r, k))],
      [1, () => frame(1, Buffer.from(JSON.stringify({ id: { x: 1 }, method: 'plans.list' })))],
      [1, () => frame(2, r.bytes(r.int(0, 100)))],
      [1, () => frame(9, r.bytes(r.int(0, 125)))],
      [1, () => frame(10, r.bytes(r.int(0, 20)))],
      // Protocol errors: the server closes that socket with a code, and stays up.
      [0.3, () => frame(1, Buffer.from('{}'), { mask: false })],
      [0.3, () => frame(1, Buffer.from('{}'), { rsv: r.int(1, 7) })],
      [0.3, () => frame(r.pick([3, 4, 5, 11, 15]), r.bytes(4))],
      [0.3, () => frame(0, Buffer.from('continuation without a start'))],
      [0.3, () => frame(9, r.bytes(10), { claimLength: 200 })],
      [0.3, () => frame(1, Buffer.from('x'), { claimLength: 2 ** 40 })],
      [0.3, () => frame(1, Buffer.from('{"id":1,'), { fin: false })],
      [0.3, () => frame(1, Buffer.from([0xc3, 0x28]))],
      [
        0.3,
        () => frame(8, Buffer.concat([Buffer.from([r.int(0, 255), r.int(0, 255)]), r.bytes(r.int(0, 20))])),
      ],
    ])();
    frames.push(f);
  }
  frames.push(frame(1, Buffer.from(JSON.stringify({ id: LAST_CALL, method: 'plans.list', input: {} }))));
  return { upgrade: Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), frames, calls };
}
