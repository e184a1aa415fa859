import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { logUnexpected, refuseUnreadable } from '../../http/edge.ts';
import type { RequestTarget } from '../../http/request-target.ts';
import { securityHeaders } from '../../http/respond.ts';

/** Vite names what it writes under /assets/ by content hash: a name never changes content. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html above all) is revalidated on each load, by its ETag. */
const REVALIDATE = 'no-cache';

type StaticFiles = ((req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void>) & {
  /** Loads serve-static now (the host does once it listens), not at the first page's request. */
  warm(): void;
  /**
   * Answers a page opened at an address the host cannot read (`%E0%A4%A`): the app, with 400,
   * so the person reads the app's "No page here" rather than JSON; anything else gets the JSON.
   */
  unreadable(req: IncomingMessage, res: ServerResponse, message: string, path: string): Promise<void>;
};

/**
 * What a failed lookup answers. send refuses a path that climbs out of the folder (403): to
 * the client it is just not there.
 */
function statusOf(err: unknown): number {
  const status = (err as { status?: number }).status ?? 500;
  return status === 403 ? 404 : status;
}

/**
 * The app's page as it is served at one of its own addresses (`/runs/r1/tasks/build`): its
 * assets named from the root. The build names them relative to the page (`./assets/…`), as the
 * desktop app loads it from a file, which at such an address would point below it.
 */
export const atRoot = (html: string): string => html.replaceAll('="./assets/', '="/assets/');

/** The app's page, answered with `status` (revalidated on each load, by its ETag). */
function sendApp(req: IncomingMessage, res: ServerResponse, html: string, status: number): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': REVALIDATE });
  res.end(req.method === 'HEAD' ? undefined : atRoot(html));
}

/**
 * Whether a request is a page being opened (a link followed, an address typed, a reload), not
 * a script, a style or an image a page asks for: browsers ask for a page as text/html.
 */
const opensPage = (req: IncomingMessage): boolean =>
  req.headers['sec-fetch-dest'] === 'document' || (req.headers.accept ?? '').includes('text/html');

/**
 * The built renderer, served by serve-static (send), which looks each file up on disk at every
 * request: a rebuild while the host runs is served at once, and a file deleted by it is a 404,
 * never a crash. A path that names no file gets index.html (the app's own addresses, which may
 * end in an id with a dot, `/runs/r1/tasks/notes.md`) when a page is opened there, or when it
 * has no extension; a missing file with an extension that a page asks for (an old hashed chunk)
 * gets 404, and so does anything under /assets/. A read that fails once the answer has begun
 * cuts that one answer short.
 */
export function createStaticFiles(dir: string): StaticFiles {
  const assets = join(resolve(dir), 'assets') + sep;
  // serve-static (send, mime-types…) is loaded once the host listens, not before it says where.
  let loading: Promise<ReturnType<typeof import('serve-static')>> | null = null;
  const load = () =>
    (loading ??= import('serve-static').then(({ default: serveStatic }) =>
      serveStatic(dir, {
        index: ['index.html'],
        dotfiles: 'ignore',
        redirect: false,
        cacheControl: false,
        setHeaders: (res, path) =>
          res.setHeader('Cache-Control', path.startsWith(assets) ? IMMUTABLE : REVALIDATE),
      }),
    ));

  const serve = async (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => {
    const files = await load();
    return new Promise<void>((done, fail) => {
      res.once('close', () => done());
      securityHeaders(res);
      // send calls back outside this promise: a throw there fails it (and reaches the edge's
      // guard) instead of escaping as an uncaught exception.
      const safely =
        <T>(fn: (value: T) => void) =>
        (value: T): void => {
          try {
            fn(value);
          } catch (thrown) {
            fail(thrown);
          }
        };
      const end = (status: number, err?: unknown) => {
        if (err && status >= 500) logUnexpected(`browser host: static file ${target.path}`, err);
        if (res.headersSent) return void res.destroy();
        res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(status === 404 ? 'Not found\n' : 'Could not read that file\n');
      };
      files(
        req,
        res,
        safely((err?: unknown) => {
          if (err) return end(statusOf(err), err);
          const path = target.path;
          // A file (with an extension, or under /assets/) or a dotfile that is not there is a 404,
          // not the app, unless a page is opened at that address.
          // `//host/x` is no address of the app: a page there takes it for another site's.
          if (
            path.startsWith('//') ||
            path.startsWith('/\\') ||
            path.startsWith('/assets/') ||
            path.includes('/.') ||
            (extname(path) !== '' && !opensPage(req))
          ) {
            return end(404);
          }
          readFile(join(dir, 'index.html'), 'utf8').then(
            safely((html: string) => sendApp(req, res, html, 200)),
            safely((again: unknown) =>
              end((again as { code?: string }).code === 'ENOENT' ? 404 : 500, again),
            ),
          );
        }),
      );
    });
  };
  const unreadable = async (req: IncomingMessage, res: ServerResponse, message: string, path: string) => {
    const app = !path.startsWith('/api/') && path !== '/mcp' && !path.startsWith('/mcp/');
    if (!app || (req.method !== 'GET' && req.method !== 'HEAD') || !opensPage(req))
      return refuseUnreadable(res, message);
    let html: string;
    try {
      html = await readFile(join(dir, 'index.html'), 'utf8');
    } catch {
      return refuseUnreadable(res, message);
    }
    securityHeaders(res);
    sendApp(req, res, html, 400);
  };
  return Object.assign(serve, {
    warm: () => void load().catch((err: unknown) => logUnexpected('browser host: loading serve-static', err)),
    unreadable,
  });
}
