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
 * A scripted Gemini API (`POST /v1beta/models/{model}:streamGenerateContent?alt=sse` streamed as
 * server-sent events, `:generateContent` whole, under any prefix a client's base URL adds), the
 * model named in the path. Tool calls are `functionCall` parts (with an `id`, echoed back in the
 * client's `functionResponse`); `usageMetadata` rides on every chunk, final on the last one.
 * `:countTokens` answers an estimate (a quarter of the request's characters) without reaching the
 * script. Generic: a turn calls whatever function the client declared, by name.
 */
export function startGeminiServer(options: ServerOptions = {}): Promise<ModelServer> {
  return startScriptedServer(gemini, options);
}

const MODEL_CALL = /\/models\/([^/:]+):(streamGenerateContent|generateContent)$/;

const gemini: Protocol = {
  isModelCall: (method, path) => method === 'POST' && MODEL_CALL.test(path),

  helper(method, path, body) {
    if (method !== 'POST' || !/\/models\/[^/:]+:countTokens$/.test(path)) return undefined;
    return { totalTokens: Math.ceil(JSON.stringify(body ?? '').length / 4) };
  },

  read(body, path): ModelRequest {
    const b = objectAt(body, 'body');
    const [, model, method] = MODEL_CALL.exec(path) ?? [];
    if (!model) throw new Error(`path: expected /models/{model}:generateContent, got ${path}`);
    const contents = arrayAt(b.contents, 'contents').map((c, i) => objectAt(c, `contents[${i}]`));
    const tools = b.tools === undefined || b.tools === null ? [] : arrayAt(b.tools, 'tools');
    const names: string[] = [];
    tools.forEach((t, i) => {
      const tool = objectAt(t, `tools[${i}]`);
      const decls = tool.functionDeclarations;
      if (decls === undefined) return;
      arrayAt(decls, `tools[${i}].functionDeclarations`).forEach((d, j) => {
        names.push(String(objectAt(d, `tools[${i}].functionDeclarations[${j}]`).name));
      });
    });
    const texts: string[] = [];
    if (b.systemInstruction) textsOf(objectAt(b.systemInstruction, 'systemInstruction').parts, texts);
    contents.forEach((c, i) => {
      for (const p of arrayAt(c.parts ?? [], `contents[${i}].parts`)) {
        const part = objectAt(p, `contents[${i}].parts[]`);
        if (typeof part.text === 'string') texts.push(part.text);
        if (part.functionCall)
          texts.push(JSON.stringify(objectAt(part.functionCall, 'functionCall').args ?? {}));
        if (part.functionResponse)
          texts.push(JSON.stringify(objectAt(part.functionResponse, 'functionResponse').response ?? {}));
      }
    });
    return {
      model: decodeURIComponent(model),
      stream: method === 'streamGenerateContent',
      tools: names,
      assistantTurns: contents.filter((c) => c.role === 'model').length,
      texts,
      body: b,
    };
  },

  stream(req, id, usage): AnswerStream {
    const chunk = (parts: unknown[], finishReason?: string) =>
      sse({
        candidates: [
          { content: { role: 'model', parts }, index: 0, ...(finishReason ? { finishReason } : {}) },
        ],
        usageMetadata: usageOf(usage, finishReason !== undefined),
        modelVersion: req.model,
        responseId: `resp-${id}`,
      });
    return {
      start: () => [],
      text: (delta) => [chunk([{ text: delta }])],
      toolCall: (call) => [
        chunk([{ functionCall: { id: call.id, name: call.name, args: argsOf(call.input) } }]),
      ],
      // Gemini says STOP after function calls as well: the client sees the calls in the parts.
      finish: () => [chunk([{ text: '' }], 'STOP')],
    };
  },

  whole(req, id, text, calls, usage) {
    const parts: unknown[] = [];
    if (text) parts.push({ text });
    for (const c of calls) parts.push({ functionCall: { id: c.id, name: c.name, args: argsOf(c.input) } });
    return {
      candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
      usageMetadata: usageOf(usage, true),
      modelVersion: req.model,
      responseId: `resp-${id}`,
    };
  },

  errorBody: (status, message) => ({
    error: {
      code: status,
      message,
      status: status === 429 ? 'RESOURCE_EXHAUSTED' : status === 400 ? 'INVALID_ARGUMENT' : 'INTERNAL',
    },
  }),
};

/** Gemini's usage: prompt (cached part included, as `cachedContentTokenCount`), candidates, total. */
function usageOf(u: Usage, final: boolean) {
  const output = final ? u.output : 0;
  return {
    promptTokenCount: u.input,
    candidatesTokenCount: output,
    totalTokenCount: u.input + output,
    ...(u.cached ? { cachedContentTokenCount: u.cached } : {}),
  };
}

function argsOf(input: Record<string, unknown> | string): Record<string, unknown> {
  return typeof input === 'string' ? { input } : input;
}
