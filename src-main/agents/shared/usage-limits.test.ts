import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../../src-shared/schemas/run.ts';
import { call, eventually, task } from '../../../test/kit/engine-kit.ts';
import { startChatServer } from '../../../test/kit/model-servers/openai-chat.ts';
import type { ModelServer, Turn } from '../../../test/kit/model-servers/scripted-server.ts';
import type { BatonApp } from '../../app/create-app.ts';
import { createApp } from '../../app/create-app.ts';
import { durationMs, limitOfAnswer } from './usage-limits.ts';

// Limits told by a model server, read as the vendors document them, and what an `llm` agent's
// task does with them: a scripted OpenAI-compatible server on 127.0.0.1 answers the real
// payloads; the engine's clock is injected, so every reset is an exact time.

const NOW = Date.parse('2026-05-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** OpenAI's 429 for a per-minute request limit, as its API sends it. */
const openAiRateLimit = {
  error: {
    message:
      'Rate limit reached for gpt-4o in organization org-x on requests per min (RPM): Limit 500, Used 500, Requested 1.',
    type: 'requests',
    param: null,
    code: 'rate_limit_exceeded',
  },
};
const openAiQuota = {
  error: {
    message: 'You exceeded your current quota, please check your plan and billing details.',
    type: 'insufficient_quota',
    param: null,
    code: 'insufficient_quota',
  },
};
const anthropicRateLimit = {
  type: 'error',
  error: {
    type: 'rate_limit_error',
    message: 'Number of request tokens has exceeded your per-minute rate limit',
  },
};

describe('limitOfAnswer', () => {
  it('reads retry-after (seconds, a date), Anthropic and OpenAI headers and bodies; nothing from other answers', () => {
    const h = (o: Record<string, string>) => new Headers(o);
    expect(limitOfAnswer(429, h({ 'retry-after': '30' }), '')).toEqual({
      message: 'HTTP 429',
      reset_in_ms: 30_000,
    });
    expect(limitOfAnswer(429, h({ 'retry-after': 'Fri, 01 May 2026 13:00:00 GMT' }), '')).toMatchObject({
      reset_at: '2026-05-01T13:00:00.000Z',
    });
    expect(
      limitOfAnswer(
        429,
        h({
          'anthropic-ratelimit-requests-remaining': '12',
          'anthropic-ratelimit-requests-reset': '2026-05-01T12:00:20Z',
          'anthropic-ratelimit-input-tokens-remaining': '0',
          'anthropic-ratelimit-input-tokens-reset': '2026-05-01T12:01:00Z',
        }),
        JSON.stringify(anthropicRateLimit),
      ),
    ).toEqual({
      message: 'rate_limit_error: Number of request tokens has exceeded your per-minute rate limit',
      window: 'input-tokens',
      reset_at: '2026-05-01T12:01:00.000Z',
    });
    expect(
      limitOfAnswer(
        429,
        h({
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': '6m0s',
          'x-ratelimit-remaining-tokens': '1000',
          'x-ratelimit-reset-tokens': '20ms',
        }),
        JSON.stringify(openAiRateLimit),
      ),
    ).toMatchObject({
      window: 'requests',
      reset_in_ms: 360_000,
      message: expect.stringMatching(/^rate_limit_exceeded: /),
    });
    expect(limitOfAnswer(429, h({}), JSON.stringify(openAiQuota))).toEqual({
      message: `insufficient_quota: ${openAiQuota.error.message}`,
      window: 'quota',
    });
    expect(limitOfAnswer(500, h({ 'retry-after': '3' }), '{"error":{"message":"boom"}}')).toBeUndefined();
    expect(
      limitOfAnswer(
        529,
        h({}),
        '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
      ),
    ).toBeUndefined();
    expect([
      durationMs('1s'),
      durationMs('6m0s'),
      durationMs('1h2m3.5s'),
      durationMs('20ms'),
      durationMs('soon'),
    ]).toEqual([1_000, 360_000, 3_723_500, 20, null]);
  });
});

describe('an llm agent whose model server says the account ran out', () => {
  let dir: string;
  let app: BatonApp | undefined;
  let server: ModelServer | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'baton-llm-limits-'));
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    await server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs one task on an llm agent whose server answers `fault` first, then "done"; the task's state once it stops running. */
  const runAgainst = async (fault: Turn['fault'], planExtra: Record<string, unknown> = {}) => {
    server = await startChatServer({
      conversations: [{ name: 'c', match: () => true, turns: [{ fault, faultTimes: 1, text: 'done' }] }],
    });
    app = createApp({ dataDir: dir, log: () => {}, clock: { now: () => NOW } });
    await call(app, 'agents.import', {
      agents: [
        {
          id: 'gpt',
          kind: 'llm',
          base_url: `${server.url}/v1`,
          model: 'gpt-4o',
          skills: ['x'],
          max_retries: 2,
        },
      ],
    });
    await call(app, 'plans.import', { plan: { plan_id: 'p', tasks: [task('t')], ...planExtra } });
    const { run_id } = await call<{ run_id: string }>(app, 'runs.start', { plan_id: 'p' });
    const get = async () => (await call<RunDetail>(app!, 'runs.get', { run_id })).tasks[0]!;
    await eventually(async () => (await get()).status !== 'in_progress' && (await get()).attempt > 0);
    return get();
  };

  it('OpenAI: 429 rate_limit_exceeded with x-ratelimit-reset-requests waits until the reset the headers say', async () => {
    const t = await runAgainst({
      kind: 'status',
      status: 429,
      body: openAiRateLimit,
      headers: {
        'x-ratelimit-limit-requests': '500',
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-reset-requests': '6m0s',
      },
    });
    expect(t.status).toBe('ready');
    expect(t.retry_at).toBe(NOW + 360_000);
    expect(t.reason).toBe(
      `Waiting for quota until ${iso(NOW + 360_000)}: gpt hit a usage limit (rate_limit_exceeded: ${openAiRateLimit.error.message}); it resets at ${iso(NOW + 360_000)}; it goes on with gpt then (on_limit: wait)`,
    );
    // Six minutes is past a retry's wait: asked once, not retried by the agent.
    expect(server!.modelCalls()).toHaveLength(1);
    expect(await call(app!, 'agents.limits', {})).toEqual([
      {
        agent_ids: ['gpt'],
        limit: expect.objectContaining({ account: 'agent:gpt', window: 'requests', reset_known: true }),
      },
    ]);
  });

  it('Anthropic: rate_limit_error with anthropic-ratelimit-*-reset, and an HTTP-date retry-after, set the reset', async () => {
    const reset = iso(NOW + 3_600_000);
    const t = await runAgainst(
      {
        kind: 'status',
        status: 429,
        body: anthropicRateLimit,
        headers: {
          'anthropic-ratelimit-tokens-remaining': '0',
          'anthropic-ratelimit-tokens-reset': reset,
          'anthropic-ratelimit-requests-remaining': '40',
          'anthropic-ratelimit-requests-reset': iso(NOW + 1_000),
        },
      },
      { on_limit: 'fail' },
    );
    expect(t.status).toBe('failed');
    expect(t.error).toBe(
      `gpt hit a usage limit (rate_limit_error: ${anthropicRateLimit.error.message}); it resets at ${reset} (on_limit: fail)`,
    );
  });

  it('OpenAI: insufficient_quota is not retried; no reset said, the agent is tried again after a while', async () => {
    const t = await runAgainst({ kind: 'status', status: 429, body: openAiQuota });
    expect(server!.modelCalls()).toHaveLength(1);
    expect(t.status).toBe('ready');
    expect(t.reason).toMatch(/\(not said by the vendor: tried again then\); it goes on with gpt then/);
    expect(t.retry_at).toBe(NOW + 30 * 60_000);
  });

  it('a 429 whose retry-after is short is retried by the agent, and the task completes', async () => {
    const t = await runAgainst({
      kind: 'status',
      status: 429,
      body: openAiRateLimit,
      headers: { 'retry-after': '0' },
    });
    expect(t.status).toBe('done');
    expect(server!.modelCalls()).toHaveLength(2);
    expect(await call(app!, 'agents.limits', {})).toEqual([]);
  });
});
