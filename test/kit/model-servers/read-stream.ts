import { createSseReader } from '../../../src-main/agents/shared/sse.ts';

/** Posts a JSON body and reads the answer: the `data` of each server-sent event, parsed when JSON. */
export async function post(url: string, body: unknown, signal?: AbortSignal) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal,
  });
  const text = await res.text();
  if (!res.headers.get('content-type')?.includes('text/event-stream'))
    return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, events: [], raw: text };
  const reader = createSseReader();
  const data = [...reader.push(text), ...reader.end()];
  const events = data.map((d) => {
    try {
      return JSON.parse(d) as Record<string, unknown>;
    } catch {
      return d;
    }
  });
  return { status: res.status, json: undefined, events, raw: text };
}

/** The text an answer streamed, whatever the protocol (Chat deltas, Anthropic text deltas, Responses text deltas). */
export function streamedText(events: unknown[]): string {
  let out = '';
  for (const e of events) {
    if (typeof e !== 'object' || e === null) continue;
    const o = e as Record<string, unknown>;
    const choice = Array.isArray(o.choices)
      ? (o.choices[0] as { delta?: { content?: unknown } } | undefined)
      : undefined;
    if (typeof choice?.delta?.content === 'string') out += choice.delta.content;
    const delta = o.delta as { type?: unknown; text?: unknown } | string | undefined;
    if (typeof delta === 'object' && delta?.type === 'text_delta' && typeof delta.text === 'string')
      out += delta.text;
    if (o.type === 'response.output_text.delta' && typeof delta === 'string') out += delta;
  }
  return out;
}
