import { spawn } from 'node:child_process';
import { userEnv } from '../processes/user-env.ts';

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

/**
 * Opens a web link (`webLinkOf`'s) in the person's browser with the person's environment
 * (`userEnv`), not Baton's: on Linux, Electron's `shell.openExternal` runs `xdg-open` with the
 * environment of Baton's process, and a browser it starts keeps it for good (Baton's `BATON_*`
 * settings, the `MALLOC_ARENA_MAX` its launcher added). Elsewhere the system starts the browser:
 * `openExternal` (given as `fallback`) does. Settles true once the opener started, false when it
 * could not (said by `log`).
 */
export function openWebLink(
  link: string,
  fallback: (link: string) => unknown,
  log: (line: string) => void,
  platform: NodeJS.Platform = process.platform,
): Promise<boolean> {
  if (platform === 'darwin' || platform === 'win32') {
    fallback(link);
    return Promise.resolve(true);
  }
  return new Promise((resolve) => {
    // Looked up on the person's PATH (the environment given), detached: the browser outlives it.
    const child = spawn('xdg-open', [link], { env: userEnv(), detached: true, stdio: 'ignore' });
    child.once('error', (err) => {
      log(`Could not open ${link} in the browser: xdg-open: ${err.message}`);
      resolve(false);
    });
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
