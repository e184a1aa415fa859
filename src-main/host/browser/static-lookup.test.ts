import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { etagOf, openIn, unchanged } from './static-lookup.ts';

const root = mkdtempSync(join(tmpdir(), 'baton-static-'));
const outside = mkdtempSync(join(tmpdir(), 'baton-static-out-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html>');
writeFileSync(join(root, 'assets', 'app-abc.js'), 'export {};');
writeFileSync(join(root, '.env'), 'SECRET=1');
writeFileSync(join(outside, 'server.json'), '{"token":"t"}');
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

/** The file a path (split and decoded, as the edge gives it) opens, relative to the folder; null for none. */
async function opened(...segments: string[]): Promise<string | null> {
  const found = await openIn(root, ['', ...segments]);
  if (!found) return null;
  await found.handle.close();
  return found.path.slice(root.length + 1);
}

describe("the renderer's files, looked up", () => {
  it('opens plain names in the folder, and index.html for a path ending in /', async () => {
    expect(await opened('assets', 'app-abc.js')).toBe('assets/app-abc.js');
    expect(await opened('')).toBe('index.html');
    expect(await opened('assets', 'gone.js')).toBeNull();
    // A folder is no file; one without its index.html names none.
    expect(await opened('assets')).toBeNull();
    expect(await opened('assets', '')).toBeNull();
  });

  it('never reaches out of the folder or into a dotfile, however the name is spelled', async () => {
    const rel = join('..', outside.split('/').pop()!, 'server.json');
    for (const path of [
      ['..', 'server.json'],
      ['assets', '..', '..', 'server.json'],
      [rel],
      ['assets', '..%2F..'],
      ['.env'],
      ['assets', '.'],
      ['assets\\..\\..\\server.json'],
      ['index.html\0.js'],
    ])
      expect(await opened(...path), path.join('/')).toBeNull();
  });

  it('answers a request holding this version as unchanged, by ETag or by date', async () => {
    const found = (await openIn(root, ['', 'index.html']))!;
    await found.handle.close();
    const etag = etagOf(found);
    const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
    expect(unchanged(req({ 'if-none-match': etag }), etag, found.mtime)).toBe(true);
    expect(unchanged(req({ 'if-none-match': `W/"other", ${etag}` }), etag, found.mtime)).toBe(true);
    expect(unchanged(req({ 'if-none-match': 'W/"other"' }), etag, found.mtime)).toBe(false);
    const later = new Date(found.mtime.getTime() + 1000).toUTCString();
    const earlier = new Date(found.mtime.getTime() - 2000).toUTCString();
    expect(unchanged(req({ 'if-modified-since': later }), etag, found.mtime)).toBe(true);
    expect(unchanged(req({ 'if-modified-since': earlier }), etag, found.mtime)).toBe(false);
    // An ETag asked for decides alone (RFC 9110 §13.1.3).
    expect(
      unchanged(req({ 'if-none-match': 'W/"other"', 'if-modified-since': later }), etag, found.mtime),
    ).toBe(false);
    expect(unchanged(req({}), etag, found.mtime)).toBe(false);
  });
});
