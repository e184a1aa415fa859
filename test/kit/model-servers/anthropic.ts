import type {
  AnswerStream,
  ModelRequest,
  ModelServer,
  Protocol,
  ServerOptions,
  Usage,
} from './scripted-server.ts';
import { arrayAt, objectAt, sse, startScriptedServer, textsOf } from './scripted-server.ts';

/**
 * A scripted Anthropic Messages API (`POST /v1/messages`, `?beta=true` as Claude Code sends it),
 * streamed as server-sent events when the request asks for `stream: true`. Every other path,
 * `HEAD /` included (Claude Code's connectivity check), gets 404.
 */
export function startAnthropicServer(options: ServerOptions = {}): Promise<ModelServer> {
  return startScriptedServer(anthropic, options);
}

const anthropic: Protocol = {
  isModelCall: (method, path) => method === 'POST' && path === '/v1/messages',

  read(body): ModelRequest {
    const b = objectAt(body, 'body');
    if (typeof b.model !== 'string') throw new Error('model: expected a string');
    const messages = arrayAt(b.messages, 'messages').map((m, i) => objectAt(m, `messages[${i}]`));
    const tools = b.tools === undefined ? [] : arrayAt(b.tools, 'tools');
    const texts = textsOf(b.system);
    for (const m of messages) textsOf(m.content, texts);
    return {
      model: b.model,
      stream: b.stream === true,
      tools: tools.map((t, i) => String(objectAt(t, `tools[${i}]`).name)),
      assistantTurns: messages.filter((m) => m.role === 'assistant').length,
      texts,
      body: b,
    };
  },

  stream(req, id, usage): AnswerStream {
    let index = -1;
    let textOpen = false;
    const closeText = () => {
      if (!textOpen) return [];
      textOpen = false;
      return [sse({ type: 'content_block_stop', index }, 'content_block_stop')];
    };
    return {
      start: () => [
        sse(
          {
            type: 'message_start',
            message: {
              id: `msg_${id}`,
              type: 'message',
              role: 'assistant',
              model: req.model,
              content: [],
              stop_reason: null,
              stop_sequence: null,
              usage: { ...usageOf(usage), output_tokens: 1 },
            },
          },
          'message_start',
        ),
      ],
      text(delta) {
        const out: string[] = [];
        if (!textOpen) {
          textOpen = true;
          index++;
          out.push(
            sse(
              { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
              'content_block_start',
            ),
          );
        }
        out.push(
          sse(
            { type: 'content_block_delta', index, delta: { type: 'text_delta', text: delta } },
            'content_block_delta',
          ),
        );
        return out;
      },
      toolCall(call) {
        const out = closeText();
        index++;
        const json = JSON.stringify(call.input);
        const half = Math.ceil(json.length / 2);
        out.push(
          sse(
            {
              type: 'content_block_start',
              index,
              content_block: { type: 'tool_use', id: `toolu_${call.id}`, name: call.name, input: {} },
            },
            'content_block_start',
          ),
          sse(
            {
              type: 'content_block_delta',
              index,
              delta: { type: 'input_json_delta', partial_json: json.slice(0, half) },
            },
            'content_block_delta',
          ),
          sse(
            {
              type: 'content_block_delta',
              index,
              delta: { type: 'input_json_delta', partial_json: json.slice(half) },
            },
            'content_block_delta',
          ),
          sse({ type: 'content_block_stop', index }, 'content_block_stop'),
        );
        return out;
      },
      finish(stopped) {
        return [
          ...closeText(),
          sse(
            {
              type: 'message_delta',
              delta: { stop_reason: stopped === 'tool' ? 'tool_use' : 'end_turn', stop_sequence: null },
              usage: usageOf(usage),
            },
            'message_delta',
          ),
          sse({ type: 'message_stop' }, 'message_stop'),
        ];
      },
    };
  },

  whole(req, id, text, calls, usage) {
    const content: unknown[] = [];
    if (text) content.push({ type: 'text', text });
    for (const c of calls)
      content.push({ type: 'tool_use', id: `toolu_${c.id}`, name: c.name, input: c.input });
    return {
      id: `msg_${id}`,
      type: 'message',
      role: 'assistant',
      model: req.model,
      content,
      stop_reason: calls.length > 0 ? 'tool_use' : 'end_turn',
      stop_sequence: null,
      usage: usageOf(usage),
    };
  },

  errorBody: (status, message) => ({ type: 'error', error: { type: errorType(status), message } }),
};

/** Anthropic counts cached input apart: `input_tokens` is the uncached rest. */
function usageOf(u: Usage) {
  const cached = u.cached ?? 0;
  return {
    input_tokens: u.input - cached,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
    output_tokens: u.output,
  };
}

function errorType(status: number): string {
  if (status === 400) return 'invalid_request_error';
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 404) return 'not_found_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 529) return 'overloaded_error';
  return 'api_error';
}
