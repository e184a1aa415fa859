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
 * A scripted OpenAI Chat Completions API (`POST /v1/chat/completions`, or `/chat/completions`
 * under any prefix a client's base URL adds), streamed as server-sent events with tool calls
 * as `delta.tool_calls` pieces. Generic: a turn calls whatever tools the client offered, by
 * name. Usage comes in a last chunk with no choices when the client asks for it
 * (`stream_options.include_usage`), else on the chunk that finishes the choice.
 */
export function startChatServer(options: ServerOptions = {}): Promise<ModelServer> {
  return startScriptedServer(chat, options);
}

const chat: Protocol = {
  isModelCall: (method, path) => method === 'POST' && path.endsWith('/chat/completions'),

  read(body): ModelRequest {
    const b = objectAt(body, 'body');
    if (typeof b.model !== 'string') throw new Error('model: expected a string');
    const messages = arrayAt(b.messages, 'messages').map((m, i) => objectAt(m, `messages[${i}]`));
    const tools = b.tools === undefined || b.tools === null ? [] : arrayAt(b.tools, 'tools');
    const texts: string[] = [];
    for (const m of messages) {
      textsOf(m.content, texts);
      if (Array.isArray(m.tool_calls))
        for (const c of m.tool_calls)
          textsOf(objectAt(objectAt(c, 'tool_calls[]').function, 'function'), texts);
    }
    return {
      model: b.model,
      stream: b.stream === true,
      tools: tools.map((t, i) => {
        const tool = objectAt(t, `tools[${i}]`);
        return String(objectAt(tool.function, `tools[${i}].function`).name);
      }),
      assistantTurns: messages.filter((m) => m.role === 'assistant').length,
      texts,
      body: b,
    };
  },

  stream(req, id, usage): AnswerStream {
    const created = Math.floor(Date.now() / 1000);
    const chunk = (choice: Record<string, unknown> | null, extra: Record<string, unknown> = {}) =>
      sse({
        id: `chatcmpl-${id}`,
        object: 'chat.completion.chunk',
        created,
        model: req.model,
        choices: choice ? [{ index: 0, ...choice }] : [],
        ...extra,
      });
    const separateUsage = objectOr(req.body.stream_options).include_usage === true;
    let toolIndex = 0;
    return {
      start: () => [chunk({ delta: { role: 'assistant', content: '' }, finish_reason: null })],
      text: (delta) => [chunk({ delta: { content: delta }, finish_reason: null })],
      toolCall(call) {
        const args = typeof call.input === 'string' ? call.input : JSON.stringify(call.input);
        const half = Math.ceil(args.length / 2);
        const index = toolIndex++;
        return [
          chunk({
            delta: {
              tool_calls: [
                { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } },
              ],
            },
            finish_reason: null,
          }),
          chunk({
            delta: { tool_calls: [{ index, function: { arguments: args.slice(0, half) } }] },
            finish_reason: null,
          }),
          chunk({
            delta: { tool_calls: [{ index, function: { arguments: args.slice(half) } }] },
            finish_reason: null,
          }),
        ];
      },
      finish(stopped) {
        const reason = stopped === 'tool' ? 'tool_calls' : 'stop';
        if (!separateUsage)
          return [chunk({ delta: {}, finish_reason: reason }, { usage: usageOf(usage) }), sse('[DONE]')];
        return [
          chunk({ delta: {}, finish_reason: reason }),
          chunk(null, { usage: usageOf(usage) }),
          sse('[DONE]'),
        ];
      },
    };
  },

  whole(req, id, text, calls, usage) {
    const toolCalls = calls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: typeof c.input === 'string' ? c.input : JSON.stringify(c.input) },
    }));
    return {
      id: `chatcmpl-${id}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: req.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text || null,
            ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
          },
          finish_reason: calls.length > 0 ? 'tool_calls' : 'stop',
        },
      ],
      usage: usageOf(usage),
    };
  },

  errorBody: (status, message) => ({
    error: {
      message,
      type: status === 429 ? 'rate_limit_exceeded' : 'server_error',
      code: null,
      param: null,
    },
  }),
};

function usageOf(u: Usage) {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached ?? 0 },
  };
}

function objectOr(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}
