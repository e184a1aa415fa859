import { request } from 'node:http';
import { hostname, networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOnTempDir, tryUpgrade } from '../../test/kit/host-kit.ts';
import type { BrowserHost } from '../host/browser/server.ts';
import {
  allowedHostNames,
  callbackHostName,
  hostAllowed,
  hostName,
  normalizeHostName,
  parseAllowedHost,
} from './host-names.ts';

const machine = () => ['box', 'box.example.lan', '192.0.2.7', '[fd00::7]'];

describe('Host names Baton answers to', () => {
  it('reads the name of a Host header the way the allow-list writes it', () => {
    expect(hostName('[::]:4800')).toBe('[::]');
    expect(hostName('[::1]')).toBe('[::1]');
    expect(hostName('LocalHost.:4800')).toBe('localhost');
    expect(hostName('[FD00::7]:80')).toBe('[fd00::7]');
    expect(hostName('127.0.0.1:65535')).toBe('127.0.0.1');
    // A port no URL can have: the sign-in pages' URL made of it threw (a 500).
    for (const bad of [
      undefined,
      '',
      'a:b:c',
      '[::1',
      'x:port',
      '::1',
      '127.0.0.1:99999',
      '127.0.0.1:0065536',
    ])
      expect(hostName(bad)).toBeUndefined();
    expect(normalizeHostName('::')).toBe('[::]');
    expect(normalizeHostName('0:0::0')).toBe('[0:0::0]');
  });

  it('lets the callback URL’s name reach the public paths only, and a missing or malformed Host nothing', () => {
    const rule = {
      names: allowedHostNames('127.0.0.1'),
      publicNames: callbackHostName('https://Tunnel.Example.net/'),
      publicPaths: ['/api/agent-callbacks/', '/api/triggers/'],
    };
    expect(rule.publicNames).toEqual(['tunnel.example.net']);
    expect(hostAllowed(rule, '127.0.0.1:4800', '/api/health')).toBe(true);
    expect(hostAllowed(rule, 'localhost', null)).toBe(true);
    expect(hostAllowed(rule, 'tunnel.example.net', '/api/triggers/nightly')).toBe(true);
    expect(hostAllowed(rule, 'TUNNEL.example.net.:443', '/api/agent-callbacks/x')).toBe(true);
    for (const path of ['/api/health', '/mcp', '/', '/api/triggers', null])
      expect(hostAllowed(rule, 'tunnel.example.net', path), String(path)).toBe(false);
    for (const host of [undefined, '', 'evil.example', '127.0.0.1.evil.example', 'a:b:c'])
      expect(hostAllowed(rule, host, '/api/triggers/nightly'), String(host)).toBe(false);
    expect(callbackHostName(undefined)).toEqual([]);
    expect(callbackHostName('http://[::1]:9/')).toEqual(['[::1]']);
  });

  it('on loopback: loopback names, and the names the user allowed', () => {
    expect(allowedHostNames('127.0.0.1', [], machine)).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(allowedHostNames('::1', ['proxy.example.lan'], machine)).toEqual([
      'localhost',
      '127.0.0.1',
      '[::1]',
      'proxy.example.lan',
    ]);
  });

  it('beyond loopback: also the bind address and this machine’s own names and addresses', () => {
    expect(allowedHostNames('0.0.0.0', [], machine)).toEqual([
      'localhost',
      '127.0.0.1',
      '[::1]',
      '0.0.0.0',
      ...machine(),
    ]);
    // `::` is written `[::]` in a Host header.
    expect(allowedHostNames('::', ['Baton.Example.Lan'], machine)).toContain('[::]');
    expect(allowedHostNames('::', ['Baton.Example.Lan'], machine)).toContain('baton.example.lan');
  });

  it('takes a host name or an address for --allow-host, and names the flag otherwise', () => {
    expect(parseAllowedHost('Baton.example.lan', '--allow-host')).toBe('baton.example.lan');
    expect(parseAllowedHost('fd00::7', '--allow-host')).toBe('[fd00::7]');
    expect(parseAllowedHost('[fd00::7]', '--allow-host')).toBe('[fd00::7]');
    expect(parseAllowedHost('10.1.2.3', '--allow-host')).toBe('10.1.2.3');
    for (const bad of ['http://x.lan', 'x.lan:80', 'x.lan/', '', 'a b', '-x.lan']) {
      expect(() => parseAllowedHost(bad, '--allow-host')).toThrow(
        `--allow-host takes a host name or an IP address (like baton.example.lan), got "${bad}"`,
      );
    }
  });
});

/** This machine's first non-loopback address of a family, as the network sees it. */
function externalAddress(family: 'IPv4' | 'IPv6'): string | undefined {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === family && !a.internal && (family === 'IPv4' || a.scopeid === 0)) return a.address;
    }
  }
  return undefined;
}

/** Whether this machine has IPv6 at all (a container may not): `::` cannot be bound without it. */
const ipv6 = Object.values(networkInterfaces()).some((list) => list?.some((a) => a.family === 'IPv6'));

describe.each([['0.0.0.0', 'IPv4'], ...(ipv6 ? [['::', 'IPv6'] as const] : [])] as const)(
  'a browser host bound to %s, reached from the network',
  (bind, family) => {
    const address = externalAddress(family);
    let host: BrowserHost;
    let stop: () => Promise<void>;
    beforeAll(async () => {
      ({ host, stop } = await startOnTempDir(() => ({ host: bind, allowedHosts: ['baton.example.lan'] })));
    });
    afterAll(() => stop());
    const health = (hostHeader: string, connectTo = '127.0.0.1') =>
      fetchAt(connectTo, host.port, hostHeader, host.token);

    it.skipIf(address === undefined)('answers at this machine’s own address and name', async () => {
      const at = family === 'IPv6' ? `[${address}]` : address!;
      expect(await health(`${at}:${host.port}`, address)).toBe(200);
      expect(await health(`${hostname()}:${host.port}`, address)).toBe(200);
    });

    it('answers at the bind address, loopback and the allowed name; refuses any other Host', async () => {
      const bound = bind === '::' ? '[::]' : bind;
      expect(await health(`${bound}:${host.port}`)).toBe(200);
      expect(await health(`localhost:${host.port}`)).toBe(200);
      expect(await health(`baton.example.lan:${host.port}`)).toBe(200);
      expect(await health(`evil.example:${host.port}`)).toBe(403);
      expect(await health(`192.0.2.254:${host.port}`)).toBe(403);
      expect(host.allowedHosts).toContain(hostname().toLowerCase());
      // The socket too.
      const auth = { Authorization: `Bearer ${host.token}` };
      expect(await tryUpgrade(host.port, { ...auth, Host: `baton.example.lan:${host.port}` })).toBe('open');
      expect(await tryUpgrade(host.port, { ...auth, Host: `evil.example:${host.port}` })).toBe(403);
    });
  },
);

/** GET /api/health at `address` with a given Host header; the status. */
async function fetchAt(address: string, port: number, hostHeader: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: address,
        port,
        path: '/api/health',
        headers: { Host: hostHeader, Authorization: `Bearer ${token}` },
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
