/**
 * Whether an IPC message comes from Baton's own page: in development the dev server's origin
 * (electron-vite sets ELECTRON_RENDERER_URL, e.g. `http://localhost:5173`), else the built
 * `index.html` file itself, whatever its hash route. Origins are compared whole: a prefix match
 * would take `http://localhost:5173.example.com` for the dev server.
 */
export function rendererCheck(
  devUrl: string | undefined,
  rendererFileUrl: string,
): (url: string | undefined) => boolean {
  if (devUrl) {
    const origin = originOf(devUrl);
    return (url) => url !== undefined && origin !== null && originOf(url) === origin;
  }
  return (url) => url !== undefined && url.split('#')[0] === rendererFileUrl;
}

function originOf(url: string): string | null {
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? null : origin;
  } catch {
    return null;
  }
}
