import { formatBytes } from '../../shared/output-caps.ts';

/** The most an MCP server over HTTP may answer to one request (a tool's answer, a stream of them). */
export const MAX_MCP_ANSWER_BYTES = 16 * 1024 * 1024;

/**
 * `fetch` for the MCP SDK's HTTP transport, each answer's body cut off past `maxBytes`: the SDK
 * reads a JSON answer whole (`response.json()`) before Baton sees it, so a server answering 400 MB
 * ended the process out of memory; cut, the body errors and the call fails saying why. A server's
 * event stream counts toward the same bound for as long as it stays open.
 */
export function cappedFetch(maxBytes = MAX_MCP_ANSWER_BYTES): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    if (!res.body) return res;
    let seen = 0;
    const counted = res.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > maxBytes)
            controller.error(
              new Error(`the MCP server's answer is larger than ${formatBytes(maxBytes)}: it was cut off`),
            );
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
