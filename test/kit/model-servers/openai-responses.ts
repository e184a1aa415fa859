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
 * A scripted OpenAI Responses API (`POST /v1/responses`, or `/responses` under any prefix),
 * streamed as named server-sent events (`response.created`, `response.output_item.added`/`.done`,
 * `response.output_text.delta`, `response.completed` with usage). A call of a `function` tool is
 * a `function_call` item with JSON arguments; a call of a free-form `custom` tool (codex's
 * apply_patch) is a `custom_tool_call` item whose input is the turn's string.
 */
export function startResponsesServer(options: ServerOptions = {}): Promise<ModelServer> {
  return startScriptedServer(responses, options);
}

/** Items the model itself produced: consecutive ones make one assistant turn. */
const MODEL_ITEMS = new Set([
  'function_call',
  'custom_tool_call',
  'reasoning',
  'local_shell_call',
  'web_search_call',
]);

const responses: Protocol = {
  isModelCall: (method, path) => method === 'POST' && path.endsWith('/responses'),

  read(body): ModelRequest {
    const b = objectAt(body, 'body');
    if (typeof b.model !== 'string') throw new Error('model: expected a string');
    const input =
      typeof b.input === 'string'
        ? [{ type: 'message', role: 'user', content: b.input }]
        : arrayAt(b.input, 'input').map((item, i) => objectAt(item, `input[${i}]`));
    const tools = b.tools === undefined || b.tools === null ? [] : arrayAt(b.tools, 'tools');
    const texts = textsOf(b.instructions);
    let assistantTurns = 0;
    let inTurn = false;
    for (const item of input) {
      textsOf(item, texts);
      const type = item.type ?? 'message';
      const byModel = MODEL_ITEMS.has(String(type)) || (type === 'message' && item.role === 'assistant');
      if (byModel && !inTurn) assistantTurns++;
      inTurn = byModel;
    }
    return {
      model: b.model,
      stream: b.stream === true,
      tools: tools.map((t, i) => {
        const tool = objectAt(t, `tools[${i}]`);
        return String(tool.name ?? tool.type);
      }),
      assistantTurns,
      texts,
      body: b,
    };
  },

  stream(req, id, usage): AnswerStream {
    let seq = 0;
    let outputIndex = -1;
    const output: unknown[] = [];
    const event = (type: string, fields: Record<string, unknown>) =>
      sse({ type, sequence_number: seq++, ...fields }, type);
    const response = (status: string, extra: Record<string, unknown> = {}) => ({
      id: `resp_${id}`,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status,
      model: req.model,
      output: status === 'completed' ? output : [],
      ...extra,
    });
    let message: { itemId: string; text: string } | null = null;
    const closeMessage = () => {
      if (!message) return [];
      const { itemId, text } = message;
      message = null;
      const part = { type: 'output_text', text, annotations: [] };
      const item = { id: itemId, type: 'message', status: 'completed', role: 'assistant', content: [part] };
      output.push(item);
      const at = { item_id: itemId, output_index: outputIndex, content_index: 0 };
      return [
        event('response.output_text.done', { ...at, text }),
        event('response.content_part.done', { ...at, part }),
        event('response.output_item.done', { output_index: outputIndex, item }),
      ];
    };
    return {
      start: () => [
        event('response.created', { response: response('in_progress') }),
        event('response.in_progress', { response: response('in_progress') }),
      ],
      text(delta) {
        const out: string[] = [];
        if (!message) {
          outputIndex++;
          message = { itemId: `msg_${id}_${outputIndex}`, text: '' };
          out.push(
            event('response.output_item.added', {
              output_index: outputIndex,
              item: {
                id: message.itemId,
                type: 'message',
                status: 'in_progress',
                role: 'assistant',
                content: [],
              },
            }),
            event('response.content_part.added', {
              item_id: message.itemId,
              output_index: outputIndex,
              content_index: 0,
              part: { type: 'output_text', text: '', annotations: [] },
            }),
          );
        }
        message.text += delta;
        out.push(
          event('response.output_text.delta', {
            item_id: message.itemId,
            output_index: outputIndex,
            content_index: 0,
            delta,
          }),
        );
        return out;
      },
      toolCall(call) {
        const out = closeMessage();
        outputIndex++;
        const custom = toolType(req, call.name) === 'custom';
        const itemId = `${custom ? 'ctc' : 'fc'}_${call.id}`;
        const value = typeof call.input === 'string' ? call.input : JSON.stringify(call.input);
        const at = { item_id: itemId, output_index: outputIndex };
        const done = custom
          ? {
              id: itemId,
              type: 'custom_tool_call',
              status: 'completed',
              call_id: call.id,
              name: call.name,
              input: value,
            }
          : {
              id: itemId,
              type: 'function_call',
              status: 'completed',
              call_id: call.id,
              name: call.name,
              arguments: value,
            };
        output.push(done);
        out.push(
          event('response.output_item.added', {
            output_index: outputIndex,
            item: { ...done, status: 'in_progress', ...(custom ? { input: '' } : { arguments: '' }) },
          }),
          custom
            ? event('response.custom_tool_call_input.delta', { ...at, delta: value })
            : event('response.function_call_arguments.delta', { ...at, delta: value }),
          custom
            ? event('response.custom_tool_call_input.done', { ...at, input: value })
            : event('response.function_call_arguments.done', { ...at, arguments: value }),
          event('response.output_item.done', { output_index: outputIndex, item: done }),
        );
        return out;
      },
      finish: () => [
        ...closeMessage(),
        event('response.completed', { response: response('completed', { usage: usageOf(usage) }) }),
      ],
    };
  },

  whole(req, id, text, calls, usage) {
    const output: unknown[] = [];
    if (text)
      output.push({
        id: `msg_${id}`,
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', text, annotations: [] }],
      });
    for (const c of calls) {
      const value = typeof c.input === 'string' ? c.input : JSON.stringify(c.input);
      output.push(
        toolType(req, c.name) === 'custom'
          ? { id: `ctc_${c.id}`, type: 'custom_tool_call', call_id: c.id, name: c.name, input: value }
          : { id: `fc_${c.id}`, type: 'function_call', call_id: c.id, name: c.name, arguments: value },
      );
    }
    return {
      id: `resp_${id}`,
      object: 'response',
      created_at: Math.floor(Date.now() / 1000),
      status: 'completed',
      model: req.model,
      output,
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

function toolType(req: ModelRequest, name: string): string | undefined {
  const tools = Array.isArray(req.body.tools) ? (req.body.tools as Record<string, unknown>[]) : [];
  const tool = tools.find((t) => t.name === name || t.type === name);
  return typeof tool?.type === 'string' ? tool.type : undefined;
}

function usageOf(u: Usage) {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached ?? 0 },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: u.input + u.output,
  };
}
