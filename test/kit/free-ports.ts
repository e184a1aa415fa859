import net from 'node:net';

/** Whether nothing on this machine listens on 127.0.0.1:`port` now (a listen, closed at once). */
function free(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * The first of `count` consecutive ports nothing listens on now, below Linux's ephemeral range
 * (where outgoing connections take theirs): tests that forward a block of ports pick it so, since
 * other tests on the machine (every app's first block is 42000) may hold the default ones.
 */
export async function freeBlock(count: number): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const first = 20_000 + Math.floor(Math.random() * 12_000);
    let all = true;
    for (let p = first; p < first + count && all; p++) all = await free(p);
    if (all) return first;
  }
  throw new Error(`no ${count} free ports in a row found between 20000 and 32000`);
}
