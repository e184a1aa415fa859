import { describe, expect, it } from 'vitest';
import { afterSignIn } from './after-sign-in.ts';

/**
 * Where signing in leads: back to the address the page was opened at when it is this Baton's.
 * `//evil.example/x` (the host answered the app at any path) sent the person to another site,
 * which could ask for the password again.
 */
describe('after signing in', () => {
  const at = (pathname: string, search = '') => ({ pathname, search, origin: 'http://localhost:4800' });
  it('goes back to a page of this Baton', () => {
    expect(afterSignIn(at('/approvals/a-1', '?show=decided'))).toBe('/approvals/a-1?show=decided');
    expect(afterSignIn(at('/runs/r1'))).toBe('/runs/r1');
  });
  it("goes to the inbox from the join page, the root, or another site's address", () => {
    expect(afterSignIn(at('/join'))).toBe('/approvals');
    expect(afterSignIn(at('/'))).toBe('/approvals');
    expect(afterSignIn(at('//evil.example/x'))).toBe('/approvals');
    expect(afterSignIn(at('/\\evil.example/x'))).toBe('/approvals');
  });
});
