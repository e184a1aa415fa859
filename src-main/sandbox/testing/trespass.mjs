// A program that tries what a sandboxed agent may not, for the sandbox's tests: it writes its own
// file, writes a file outside its folder, reads a secret, fetches a host it may not reach and one
// it may. What each try did goes to stdout as one JSON object (after `::result `, the command
// agents' protocol), each failure's message to stderr, as a real program's would. `--direct`
// connects to a host:port without the proxy, `--unix` to a Unix socket.
//
//   node trespass.mjs --mine FILE --outside PATH --secret PATH --blocked URL --allowed URL
//                     --direct HOST:PORT --unix PATH
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';

/** What it tried, by name: `ok` or the error's message. */
export async function trespass(opts) {
  const tried = {};
  const attempt = async (name, fn) => {
    if (!opts[name]) return;
    try {
      tried[name] = `ok ${(await fn(opts[name])) ?? ''}`.trim();
    } catch (err) {
      const message = err?.cause?.message ?? err?.message ?? String(err);
      tried[name] = `failed: ${message}`;
      process.stderr.write(`${name}: ${message}\n`);
    }
  };
  await attempt('mine', (p) => writeFileSync(p, 'my own work\n'));
  await attempt('outside', (p) => writeFileSync(p, 'should never land\n'));
  await attempt('secret', (p) => readFileSync(p, 'utf8').trim());
  const get = async (url) => {
    const res = await fetch(url, { signal: AbortSignal.timeout(20_000) });
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 100)}`);
    return text.trim();
  };
  await attempt('blocked', get);
  await attempt('allowed', get);
  const connect = (to) =>
    new Promise((resolve, reject) => {
      const s = net.connect(to);
      s.once('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.once('error', reject);
    });
  await attempt('direct', (at) => {
    const i = at.lastIndexOf(':');
    return connect({ host: at.slice(0, i), port: Number(at.slice(i + 1)) });
  });
  await attempt('unix', (path) => connect({ path }));
  return tried;
}

/** `--name value` pairs. */
export function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i + 1 < argv.length; i += 2) opts[argv[i].replace(/^--/, '')] = argv[i + 1];
  return opts;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const tried = await trespass(parseArgs(process.argv.slice(2)));
  process.stdout.write(`::result ${JSON.stringify(tried)}\n`);
}
