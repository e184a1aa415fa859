import type { Attributes, Span } from '@opentelemetry/api';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { StoredStep } from '../../src-shared/schemas/step.ts';

export interface TraceExportOptions {
  /** The OTLP/HTTP traces endpoint, e.g. `http://127.0.0.1:4318/v1/traces`. */
  url: string;
  /** Sent with every export (an API key of the collector). */
  headers?: Record<string, string>;
  version: string;
}

/** One attempt to export: who ran it and its steps as stored. */
export interface AttemptTrace {
  run_id: string;
  task_id: string;
  attempt: number;
  agent_id: string | null;
  steps: StoredStep[];
}

const ms = (iso: string) => Date.parse(iso);

/**
 * Exports attempts' steps as OpenTelemetry GenAI spans over OTLP/HTTP (the official JS exporter,
 * batched): per attempt an `invoke_agent <agent>` span; under it a `chat <model>` span per model
 * request (its `usage` step: tokens, cost, duration) and an `execute_tool <tool>` span per tool
 * call (arguments and answer left out: they may hold what the agent read; status ERROR when it
 * failed or was denied). Messages, errors and the result are events of the attempt's span.
 * Attribute names follow the GenAI semantic conventions (`gen_ai.*`); Baton's own are `baton.*`.
 */
export function createSpanExport(opts: TraceExportOptions) {
  const exporter = new OTLPTraceExporter({
    url: opts.url,
    headers: opts.headers ?? {},
    timeoutMillis: 10_000,
  });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'baton', 'service.version': opts.version }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('baton', opts.version);

  return {
    attempt(a: AttemptTrace): void {
      if (a.steps.length === 0) return;
      const starts = a.steps.map((s) => ms(s.at));
      const ends = a.steps.map((s) => endOf(s));
      const agent = a.agent_id ?? 'agent';
      const root = tracer.startSpan(`invoke_agent ${agent}`, {
        kind: SpanKind.INTERNAL,
        startTime: Math.min(...starts),
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.id': agent,
          'baton.run_id': a.run_id,
          'baton.task_id': a.task_id,
          'baton.attempt': a.attempt,
        },
      });
      const parent = trace.setSpan(context.active(), root);
      const child = (
        name: string,
        kind: SpanKind,
        start: number,
        end: number,
        attributes: Attributes,
        error: string | null = null,
      ): Span => {
        const span = tracer.startSpan(name, { kind, startTime: start, attributes }, parent);
        if (error !== null) span.setStatus({ code: SpanStatusCode.ERROR, message: error.slice(0, 500) });
        span.end(Math.max(start, end));
        return span;
      };
      let failed: string | null = null;
      for (const s of a.steps) {
        switch (s.kind) {
          case 'usage': {
            const end = ms(s.at);
            child(`chat ${s.model ?? 'model'}`, SpanKind.CLIENT, end - (s.duration_ms ?? 0), end, {
              'gen_ai.operation.name': 'chat',
              ...(s.model ? { 'gen_ai.request.model': s.model, 'gen_ai.response.model': s.model } : {}),
              'gen_ai.usage.input_tokens': s.input_tokens + s.cached_input_tokens,
              'gen_ai.usage.output_tokens': s.output_tokens,
              'gen_ai.usage.cache_read.input_tokens': s.cached_input_tokens,
              ...(s.cost_usd === null ? {} : { 'baton.cost_usd': s.cost_usd }),
              'baton.cost_source': s.cost_source,
              'baton.step.seq': s.seq,
            });
            break;
          }
          case 'tool_call': {
            const failedCall = s.status === 'failed' || s.status === 'denied' ? (s.error ?? s.status) : null;
            child(
              `execute_tool ${s.name}`,
              SpanKind.INTERNAL,
              ms(s.at),
              endOf(s),
              {
                'gen_ai.operation.name': 'execute_tool',
                'gen_ai.tool.name': s.name,
                'gen_ai.tool.call.id': s.call_id,
                'gen_ai.tool.type': 'function',
                ...(s.server ? { 'baton.tool.server': s.server } : {}),
                'baton.tool.status': s.status,
                'baton.step.seq': s.seq,
              },
              failedCall,
            );
            break;
          }
          case 'message':
            root.addEvent(
              'gen_ai.message',
              { 'gen_ai.message.role': s.role, 'baton.step.seq': s.seq },
              ms(s.at),
            );
            break;
          case 'session':
            root.setAttribute('gen_ai.conversation.id', s.session_id);
            break;
          case 'error':
            root.addEvent(
              'exception',
              { 'exception.message': s.message.slice(0, 500), 'baton.retrying': s.retrying },
              ms(s.at),
            );
            break;
          case 'result':
            if (s.is_error) failed = s.text.slice(0, 500);
            break;
          case 'sandbox':
            root.addEvent(
              'baton.sandbox.blocked',
              {
                'baton.sandbox.blocked': s.blocked,
                'baton.sandbox.target': s.target.slice(0, 500),
                'baton.sandbox.process': s.process,
                'baton.step.seq': s.seq,
              },
              ms(s.at),
            );
            break;
        }
      }
      if (failed !== null) root.setStatus({ code: SpanStatusCode.ERROR, message: failed });
      root.end(Math.max(...ends));
    },
    /** Sends what is batched now. */
    flush: (): Promise<void> => provider.forceFlush(),
    shutdown: (): Promise<void> => provider.shutdown(),
  };
}

function endOf(s: StoredStep): number {
  if (s.kind === 'tool_call' && s.ended_at) return ms(s.ended_at);
  return ms(s.at);
}
