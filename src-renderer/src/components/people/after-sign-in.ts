/**
 * Where to go once signed in: the address the page was opened at (an approval a link pointed to)
 * when it is a page of this Baton, else the inbox. A path such as `//evil.example/x` (the host
 * answers the app at any path) is another site's address to the browser: signed in there, the
 * person was sent to a page that could pose as a wrong password.
 */
export function afterSignIn(loc: Pick<Location, 'pathname' | 'search' | 'origin'>): string {
  if (loc.pathname === '/join' || loc.pathname === '/') return '/approvals';
  const there = loc.pathname + loc.search;
  let url: URL;
  try {
    url = new URL(there, loc.origin);
  } catch {
    return '/approvals';
  }
  return there.startsWith('/') &&
    !there.startsWith('//') &&
    !there.startsWith('/\\') &&
    url.origin === loc.origin
    ? there
    : '/approvals';
}
