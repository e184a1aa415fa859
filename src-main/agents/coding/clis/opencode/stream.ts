import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Launch, LaunchInput } from '../definition.ts';
import { personHome, providerModel, providerUrl } from '../launch.ts';
import { serveInvocation } from './serve.ts';

/**
 * opencode where a person can speak to it while it runs (`steered`: an attempt in the app): over
 * its own server, `opencode serve`, through Baton's bridge (serve.ts); elsewhere (a remote
 * worker's attempt, which takes no messages): `opencode run --format json -m <provider/model>
 * <prompt>`, `-s <session>` to resume. Both print the same events.
 * With a provider: an OpenAI-compatible provider named `baton` through the
 * `@ai-sdk/openai-compatible` package opencode bundles (a provider package it does not bundle
 * is fetched from npm at run time, and hangs offline), given in OPENCODE_CONFIG_CONTENT, its
 * XDG folders (config, sessions) in the task's home, the models list fetch and updates off; a
 * price for the model in the agent's `prices` makes opencode report USD.
 */
export const opencodeLaunch: Launch = async (input) => {
  const { agent, provider } = input;
  const env: Record<string, string> = {};
  let home = personHome();
  let model = agent.model ?? null;
  if (provider) {
    const setup = await opencodeProviderSetup(input, provider);
    home = setup.home;
    model = setup.model;
    Object.assign(env, setup.env);
  }
  const program = agent.executable ?? 'opencode';
  if (input.steered) return serveInvocation(input, program, model, env, home);
  const args = ['run', '--format', 'json'];
  if (model) args.push('-m', model);
  if (input.resume) args.push('-s', input.resume);
  args.push(...agent.args, input.prompt);
  return { command: program, args, env, home };
};

/**
 * What opencode needs to talk to `provider` (its stream and ACP launches share it): its XDG
 * folders in the task's home and an OPENCODE_CONFIG_CONTENT naming the provider `baton`
 * (`extra` is merged into that config: the ACP launch's permissions); returns the `-m` model.
 */
export async function opencodeProviderSetup(
  input: LaunchInput,
  provider: { base_url: string; api_key: string },
  extra: Record<string, unknown> = {},
): Promise<{ home: string; env: Record<string, string>; model: string }> {
  const { agent } = input;
  const name = providerModel(input);
  const model = `baton/${name}`;
  const xdg = join(input.home, 'xdg');
  for (const d of ['config', 'data', 'cache', 'state'])
    await mkdir(join(xdg, d), { recursive: true, mode: 0o700 });
  const price = agent.prices?.[name];
  const config = {
    $schema: 'https://opencode.ai/config.json',
    provider: {
      baton: {
        npm: '@ai-sdk/openai-compatible',
        name: 'Baton provider',
        options: { baseURL: providerUrl(input, provider), apiKey: provider.api_key },
        models: {
          [name]: {
            name,
            ...(price
              ? {
                  cost: {
                    input: price.input_per_mtok,
                    output: price.output_per_mtok,
                    cache_read: price.cached_input_per_mtok ?? price.input_per_mtok,
                  },
                }
              : {}),
          },
        },
      },
    },
    model,
    autoupdate: false,
    share: 'disabled',
    // Its snapshots write git objects into the workspace's repository, outside the worktree
    // (refused by Baton's sandbox): Baton's own commits and diffs record the work.
    snapshot: false,
    // A path outside its project needs a permission `opencode run` has nobody to ask for, and
    // refuses (ending its turn): in Baton's OS sandbox, the sandbox decides.
    ...(input.sandboxed ? { permission: { external_directory: 'allow' } } : {}),
    ...extra,
  };
  return {
    home: input.home,
    model,
    env: {
      XDG_CONFIG_HOME: join(xdg, 'config'),
      XDG_DATA_HOME: join(xdg, 'data'),
      XDG_CACHE_HOME: join(xdg, 'cache'),
      XDG_STATE_HOME: join(xdg, 'state'),
      OPENCODE_CONFIG_CONTENT: JSON.stringify(config),
      OPENCODE_DISABLE_MODELS_FETCH: '1',
      OPENCODE_DISABLE_AUTOUPDATE: '1',
    },
  };
}
