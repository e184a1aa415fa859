import { describe, expect, it } from 'vitest';
import { rendererCheck } from './renderer-check.ts';

describe('the IPC sender check', () => {
  it('takes the built page whatever its hash route, and nothing else', () => {
    const ours = rendererCheck(undefined, 'file:///opt/baton/out/renderer/index.html');
    expect(ours('file:///opt/baton/out/renderer/index.html')).toBe(true);
    expect(ours('file:///opt/baton/out/renderer/index.html#/plans')).toBe(true);
    expect(ours('file:///opt/baton/out/renderer/other.html')).toBe(false);
    expect(ours('file:///tmp/index.html')).toBe(false);
    expect(ours('https://example.com/')).toBe(false);
    expect(ours(undefined)).toBe(false);
  });

  it('takes the dev server by its whole origin, not by a prefix of it', () => {
    const ours = rendererCheck('http://localhost:5173', 'file:///opt/baton/out/renderer/index.html');
    expect(ours('http://localhost:5173/')).toBe(true);
    expect(ours('http://localhost:5173/#/agents')).toBe(true);
    expect(ours('http://localhost:5173.example.com/')).toBe(false);
    expect(ours('http://localhost:51730/')).toBe(false);
    expect(ours('https://localhost:5173/')).toBe(false);
    expect(ours('file:///opt/baton/out/renderer/index.html')).toBe(false);
    expect(ours('not a url')).toBe(false);
    expect(ours(undefined)).toBe(false);
  });
});
