/**
 * The address a link of the page may open outside Baton (the person's browser): http and https
 * only. Any other scheme (file:, javascript:, an editor's or another app's) is refused, so a page
 * showing an agent's text can never start a program or open a local file through a link.
 */
export function webLinkOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  // A link with a user name or password in it is not one a page of Baton's makes.
  if (parsed.username !== '' || parsed.password !== '') return null;
  return parsed.href;
}
