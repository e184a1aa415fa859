import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import type { LaunchInput } from './definition.ts';
import { geminiAcp } from './gemini/acp.ts';
import { opencodeAcp } from './opencode/acp.ts';
import { qwenAcp } from './qwen/acp.ts';

const homes: string[] = [];
afterEach(() => {
  for (const h of homes.splice(0)) rmSync(h, { recursive: true, force: true });
});

/** An input for a launch (the agent as the schema will hold it: `cli` is the launch's name). */
function input(agent: Partial<CodingAgent>, over: Partial<LaunchInput> = {}): LaunchInput {
  const home = mkdtempSync(join(tmpdir(), 'baton-acp-launch-'));
  homes.push(home);
  return {
    agent: { id: 'coder', kind: 'coding', args: [], env: {}, ...agent } as CodingAgent,
    dir: '/w/tree',
    home,
    tmp: join(home, 'attempt-tmp'),
    provider: { base_url: 'http://127.0.0.1:9000/v1', api_key: 'sk-test' },
    steered: false,
    modelUrl: null,
    prompt: 'never on the command line',
    resume: null,
    maxCostUsd: null,
    root: false,
    sandboxed: false,
    batonMcp: null,
    ...over,
  };
}

describe('ACP launches', () => {
  it('gemini: --acp and --model, the server and key in env, settings that keep it offline, in the task home', async () => {
    const i = input(
      { model: 'gemini-x', args: ['--debug'] },
      { provider: { base_url: 'http://127.0.0.1:9000', api_key: 'k' } },
    );
    const inv = await geminiAcp.launch(i);
    expect(inv).toEqual({
      command: 'gemini',
      args: ['--acp', '--model', 'gemini-x', '--debug'],
      env: {
        GEMINI_CLI_TRUST_WORKSPACE: 'true',
        GOOGLE_GEMINI_BASE_URL: 'http://127.0.0.1:9000',
        GEMINI_API_KEY: 'k',
      },
      home: i.home,
    });
    const settings = JSON.parse(readFileSync(join(i.home, '.gemini', 'settings.json'), 'utf8'));
    expect(settings).toMatchObject({
      security: { auth: { selectedType: 'gemini-api-key' } },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
    });
  });

  it('gemini: the metering endpoint in place of the provider; without a provider, the person home and its own login', async () => {
    const metered = await geminiAcp.launch(input({ model: 'm' }, { modelUrl: 'http://127.0.0.1:7/m/a1' }));
    expect(metered.env.GOOGLE_GEMINI_BASE_URL).toBe('http://127.0.0.1:7/m/a1');
    const own = await geminiAcp.launch(input({ executable: '/opt/gemini' }, { provider: null }));
    expect(own).toMatchObject({
      command: '/opt/gemini',
      args: ['--acp'],
      env: { GEMINI_CLI_TRUST_WORKSPACE: 'true' },
    });
    expect(own.home).not.toContain('baton-acp-launch-');
  });

  it('gemini: a provider without a model is an error naming the model', async () => {
    await expect(geminiAcp.launch(input({}))).rejects.toThrow(/no model/);
  });

  it('qwen: --acp in its default approval mode (it asks before edits), the provider as the stream adapter sets it', async () => {
    const i = input({ model: 'qwen-x' });
    const inv = await qwenAcp.launch(i);
    expect(inv).toEqual({
      command: 'qwen',
      args: ['--acp', '--approval-mode', 'default', '--auth-type', 'openai'],
      env: { OPENAI_BASE_URL: 'http://127.0.0.1:9000/v1', OPENAI_API_KEY: 'sk-test', OPENAI_MODEL: 'qwen-x' },
      home: i.home,
    });
    expect(JSON.parse(readFileSync(join(i.home, '.qwen', 'settings.json'), 'utf8'))).toMatchObject({
      privacy: { usageStatisticsEnabled: false },
    });
  });

  it('opencode: `acp`, the baton provider, edits and shell asked; in the sandbox its own server on localhost, kept off the proxy', async () => {
    const i = input({ model: 'oc-x', args: ['--pure'] }, { sandboxed: true });
    const inv = await opencodeAcp.launch(i);
    expect(inv.command).toBe('env');
    expect(inv.args).toEqual([
      'NO_PROXY=localhost',
      'no_proxy=localhost',
      'opencode',
      'acp',
      '--hostname',
      'localhost',
      '--pure',
    ]);
    expect(inv.home).toBe(i.home);
    expect(inv.env.XDG_DATA_HOME).toBe(join(i.home, 'xdg', 'data'));
    const config = JSON.parse(inv.env.OPENCODE_CONFIG_CONTENT ?? '{}');
    expect(config).toMatchObject({
      model: 'baton/oc-x',
      provider: { baton: { options: { baseURL: 'http://127.0.0.1:9000/v1', apiKey: 'sk-test' } } },
      permission: { edit: 'ask', bash: 'ask', webfetch: 'ask', external_directory: 'allow' },
      autoupdate: false,
      share: 'disabled',
    });
    const unsandboxed = await opencodeAcp.launch(input({ model: 'oc-x', executable: '/opt/oc' }));
    expect(unsandboxed).toMatchObject({ command: '/opt/oc', args: ['acp'] });
    expect(JSON.parse(unsandboxed.env.OPENCODE_CONFIG_CONTENT ?? '{}').permission).toEqual({
      edit: 'ask',
      bash: 'ask',
      webfetch: 'ask',
    });
  });
});
