import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '../../../src-shared/contract/errors.ts';
import type { Dispatch } from '../../app/dispatch.ts';
import { sendJson } from '../browser/respond.ts';
import { openApiDocument } from './openapi.ts';
import type { Route } from './routes.ts';
import { routes } from './routes.ts';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  unknown_method: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

function compile(route: Route) {
  const names: string[] = [];
  const pattern = new RegExp(
    `^${route.path.replace(/:([a-z_]+)/g, (_, n: string) => {
      names.push(n);
      return '([^/]+)';
    })}$`,
  );
  return { route, names, pattern };
}

/**
 * The seeds' REST API for the browser host: match, read the body, call the contract, answer
 * JSON. Bad input is a 400 whose error names the field.
 */
export function createRestHandler(dispatch: Dispatch) {
  const table = routes.map(compile);
  return async (
    req: IncomingMessage,
    res: ServerResponse,
    body: () => Promise<unknown>,
  ): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/api/openapi.json') {
      sendJson(res, 200, openApiDocument());
      return true;
    }
    const matches = table.filter((t) => t.pattern.test(url.pathname));
    if (matches.length === 0) return false;
    const hit = matches.find((t) => t.route.method === req.method);
    if (!hit) {
      res.setHeader('Allow', matches.map((m) => m.route.method).join(', '));
      sendJson(res, 405, {
        error: { code: 'method_not_allowed', message: `${req.method} not allowed on ${url.pathname}` },
      });
      return true;
    }
    const m = hit.pattern.exec(url.pathname)!;
    const params = Object.fromEntries(hit.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    let payload: unknown;
    if (req.method === 'POST') {
      try {
        payload = await body();
      } catch (err) {
        sendJson(res, 400, { error: { code: 'invalid_input', message: (err as Error).message } });
        return true;
      }
    }
    const result = await hit.route.handle(
      { params, query: Object.fromEntries(url.searchParams), body: payload },
      dispatch,
    );
    if (result.ok) sendJson(res, result.status ?? 200, result.value);
    else sendJson(res, HTTP_STATUS[result.error.code], { error: result.error });
    return true;
  };
}
