import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream';
import { clientGone, logUnexpected, refuseUnreadable } from '../../http/edge.ts';
import type { RequestTarget } from '../../http/request-target.ts';
import { securityHeaders } from '../../http/respond.ts';
import { etagOf, type Found, openIn, TYPES, unchanged } from './static-lookup.ts';

/** Vite names what it writes under /assets/ by content hash: a name never changes content. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Everything else (index.html above all) is revalidated on each load, by its ETag. */
const REVALIDATE = 'no-cache';

type StaticFiles = ((req: IncomingMessage, res: ServerResponse, target: RequestTarget) => Promise<void>) & {
  /**
   * Answers a page opened at an address the host cannot read (`%E0%A4%A`): the app, with 400,
   * so the person reads the app's "No page here" rather than JSON; anything else gets the JSON.
   */
  unreadable(req: IncomingMessage, res: ServerResponse, message: string, path: string): Promise<void>;
};

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
 * The built renderer, looked up on disk at every request: a rebuild while the host runs is
 * served at once, and a file deleted by it is a 404, never a crash. A path that names no file
 * gets index.html (the app's own addresses, which may end in an id with a dot,
 * `/runs/r1/tasks/notes.md`) when a page is opened there, or when it has no extension; a
 * missing file with an extension that a page asks for (an old hashed chunk) gets 404, and so
 * does anything under /assets/. A read that fails once the answer has begun cuts that one
 * answer short.
 *
 * Our own, not serve-static: a folder of a dozen kinds of files needs no MIME database, and
 * serve-static's modules (send, mime-types with mime-db's JSON, http-errors, debug) held the
 * first page's request ~50–100 ms on the slower machine while they loaded, with their garbage.
 * What it did that the renderer needs is here and in `static-lookup.ts`: GET and HEAD, ETag and
 * Last-Modified with 304, the cache headers, and no way out of the folder.
 */
export function createStaticFiles(dir: string): StaticFiles {
  const root = resolve(dir);
  const assets = join(root, 'assets') + sep;
  const end = (res: ServerResponse, target: RequestTarget, status: number, err?: unknown) => {
    if (err && status >= 500) logUnexpected(`browser host: static file ${target.path}`, err);
    if (res.headersSent) return void res.destroy();
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(status === 404 ? 'Not found\n' : 'Could not read that file\n');
  };

  const send = (req: IncomingMessage, res: ServerResponse, target: RequestTarget, file: Found) => {
    const etag = etagOf(file);
    const headers = {
      ETag: etag,
      'Last-Modified': file.mtime.toUTCString(),
      'Cache-Control': file.path.startsWith(assets) ? IMMUTABLE : REVALIDATE,
    };
    const head = req.method === 'HEAD';
    const fresh = unchanged(req, etag, file.mtime);
    const empty = file.size === 0;
    // A client gone while the file was opened is sent nothing (a stream cannot go to it).
    const gone = res.destroyed || res.socket === null || res.socket.destroyed;
    if (fresh || head || empty || gone) void file.handle.close();
    if (gone) return;
    if (fresh) {
      res.writeHead(304, headers);
      return void res.end();
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': file.size,
    });
    if (head || empty) return void res.end();
    // Only the bytes its length said: a file rewritten in place while it goes out cannot send more.
    const stream = file.handle.createReadStream({ start: 0, end: file.size - 1 });
    return new Promise<void>((done) => {
      try {
        pipeline(stream, res, (err) => {
          // A client that went away (a reload, a page left) is no error of the host's.
          if (err && !res.writableFinished) {
            if (clientGone(err)) res.destroy();
            else end(res, target, 500, err);
          }
          done();
        });
      } catch {
        // The response closed as it began (its client went away): the file is let go.
        stream.destroy();
        res.destroy();
        done();
      }
    });
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, target: RequestTarget) => {
    securityHeaders(res);
    const path = target.path;
    let file: Found | null = null;
    if (req.method === 'GET' || req.method === 'HEAD') {
      try {
        file = await openIn(root, target.segments);
      } catch (err) {
        return end(res, target, 500, err);
      }
    }
    if (file) return send(req, res, target, file);
    // A file (with an extension, or under /assets/) or a dotfile that is not there is a 404,
    // not the app, unless a page is opened at that address.
    // `//host/x` is no address of the app: a page there takes it for another site's.
    if (
      path.startsWith('//') ||
      path.startsWith('/\\') ||
      path.startsWith('/assets/') ||
      path.includes('/.') ||
      (extname(path) !== '' && !opensPage(req))
    )
      return end(res, target, 404);
    try {
      sendApp(req, res, await readFile(join(root, 'index.html'), 'utf8'), 200);
    } catch (again) {
      end(res, target, (again as { code?: string }).code === 'ENOENT' ? 404 : 500, again);
    }
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
  return Object.assign(serve, { unreadable });
}
