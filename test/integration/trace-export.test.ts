import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatonApp } from '../../src-main/app/create-app.ts';
import { createApp } from '../../src-main/app/create-app.ts';
import { call } from '../kit/engine-kit.ts';
import { startChatServer } from '../kit/model-servers/openai-chat.ts';
import type { ModelServer } from '../kit/model-servers/scripted-server.ts';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: OtlpValue }[];
  status?: { code?: number; message?: string };
}

/** An OTLP/HTTP receiver on 127.0.0.1 that decodes what arrives (JSON, as the official HTTP exporter sends it). */
async function receiver() {
  const bodies: { path: string; contentType: string; body: { resourceSpans: unknown[] } }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push({
        path: req.url ?? '',
        contentType: String(req.headers['content-type']),
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: unknown[] },
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const spans = (): { resource: Record<string, unknown>; span: OtlpSpan }[] =>
    bodies.flatMap(({ body }) =>
      (
        body.resourceSpans as {
          resource: { attributes: OtlpSpan['attributes'] };
          scopeSpans: { spans: OtlpSpan[] }[];
        }[]
      ).flatMap((rs) =>
        rs.scopeSpans.flatMap((ss) =>
          ss.spans.map((span) => ({ resource: attrs(rs.resource.attributes), span })),
        ),
      ),
    );
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    bodies,
    spans,
    close: () => new Promise((r) => server.close(r)),
  };
}

const attrs = (list: OtlpSpan['attributes']): Record<string, unknown> =>
  Object.fromEntries(
    list.map(({ key, value }) => [
      key,
      value.stringValue ??
        (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue)),
    ]),
  );

let app: BatonApp | null = null;
let model: ModelServer | null = null;
let recv: Awaited<ReturnType<typeof receiver>> | null = null;
const dirs: string[] = [];
afterEach(async () => {
  // Settles once nothing writes the data directory any more (its checkpoint worker included).
  await app?.close();
  app = null;
  await model?.close();
  await recv?.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('traces leave Baton if asked', () => {
  it("exports an attempt's steps as OpenTelemetry GenAI spans over OTLP/HTTP: the agent, each model request with its tokens, each tool call", async () => {
    recv = await receiver();
    model = await startChatServer({
      conversations: [
        {
          name: 'otel',
          turns: [
            {
              text: 'Noting.',
              tools: [{ name: 'workspace__write_file', input: { path: 'n.txt', content: 'x' } }],
            },
            { tools: [{ name: 'workspace__read_file', input: { path: 'missing.txt' } }] },
            { text: 'Done.', usage: { input: 300, output: 40, cached: 100 } },
          ],
        },
      ],
    });
    const dataDir = mkdtempSync(join(tmpdir(), 'baton-otel-'));
    dirs.push(dataDir);
    app = createApp({ dataDir, log: () => {}, traceExport: { url: recv.url, version: '9.9.9' } });
    await call(app, 'agents.import', {
      agents: [
        {
          id: 'mila',
          kind: 'llm',
          skills: ['x'],
          base_url: `${model.url}/v1`,
          model: 'tiny',
          max_retries: 0,
          tools: [{ kind: 'workspace' }],
          tool_policy: [{ tools: '*', policy: 'allow' }],
          prices: { tiny: { prompt_per_1k: 1, completion_per_1k: 2 } },
        },
      ],
    });
    await call(app, 'plans.import', {
      plan: { plan_id: 'p', tasks: [{ task_id: 't', description: 'note', required_skills: ['x'] }] },
    });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
    await app.engine.whenSettled(run_id);
    await new Promise((r) => setImmediate(r));
    await app.traces!.flush();

    expect(recv.bodies[0]).toMatchObject({ path: '/v1/traces', contentType: 'application/json' });
    const spans = recv.spans();
    expect(spans.map((s) => s.span.name).sort()).toEqual(
      [
        'chat tiny',
        'chat tiny',
        'chat tiny',
        'execute_tool read_file',
        'execute_tool write_file',
        'invoke_agent mila',
      ].sort(),
    );
    expect(spans[0]!.resource).toMatchObject({ 'service.name': 'baton', 'service.version': '9.9.9' });
    const root = spans.find((s) => s.span.name === 'invoke_agent mila')!.span;
    expect(attrs(root.attributes)).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'mila',
      'baton.run_id': run_id,
      'baton.task_id': 't',
      'baton.attempt': 1,
    });
    // Every other span is the agent's child, in one trace, inside its time.
    for (const { span } of spans.filter((s) => s.span !== root)) {
      expect(span.traceId).toBe(root.traceId);
      expect(span.parentSpanId).toBe(root.spanId);
      expect(BigInt(span.startTimeUnixNano) >= BigInt(root.startTimeUnixNano) - 1_000_000n).toBe(true);
      expect(BigInt(span.endTimeUnixNano) <= BigInt(root.endTimeUnixNano)).toBe(true);
    }
    const chats = spans.filter((s) => s.span.name === 'chat tiny').map((s) => attrs(s.span.attributes));
    expect(chats.at(-1)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'tiny',
      'gen_ai.usage.input_tokens': 300,
      'gen_ai.usage.output_tokens': 40,
      'gen_ai.usage.cache_read.input_tokens': 100,
      'baton.cost_usd': 0.38,
    });
    const write = spans.find((s) => s.span.name === 'execute_tool write_file')!.span;
    expect(attrs(write.attributes)).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'write_file',
      'gen_ai.tool.type': 'function',
      'baton.tool.server': 'workspace',
      'baton.tool.status': 'done',
    });
    const read = spans.find((s) => s.span.name === 'execute_tool read_file')!.span;
    // A tool that failed is an error span, saying why.
    expect(read.status).toMatchObject({ code: 2, message: expect.stringContaining('does not exist') });
  });
});
