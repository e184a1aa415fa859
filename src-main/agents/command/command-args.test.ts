import { describe, expect, it } from 'vitest';
import { QUIET_TOOLS } from '../../processes/user-env.ts';
import { createSecretResolver } from '../../secrets/secrets.ts';
import { buildEnv, fillArgs } from './command-args.ts';

const values = {
  task_id: 'task-1',
  description: 'two words; rm -rf / {task_id}',
  context_file: '/w/.baton/context.json',
  workspace: '/w',
  attempt: 2,
  resources: '/opt/baton/resources',
};

describe('fillArgs', () => {
  it('fills placeholders per argument without splitting or substituting twice', () => {
    expect(
      fillArgs(['--task={task_id}', '{description}', '{context_file}', '{attempt}', '{other}'], values),
    ).toEqual(['--task=task-1', 'two words; rm -rf / {task_id}', '/w/.baton/context.json', '2', '{other}']);
    expect(fillArgs(['{resources}/agents/x.mjs'], values)).toEqual(['/opt/baton/resources/agents/x.mjs']);
  });
});

describe('buildEnv', () => {
  const secrets = createSecretResolver({ BATON_SECRET_API: 's3cret' });

  it('passes only the base variables, the settings that keep npm quiet and the agent env, with secrets resolved', () => {
    const r = buildEnv({ TOKEN: 'Bearer {secret:api}', MODE: 'fast' }, secrets, {
      PATH: '/bin',
      HOME: '/h',
      AWS_SECRET_ACCESS_KEY: 'leak',
    });
    expect(r).toEqual({
      ok: true,
      env: { PATH: '/bin', HOME: '/h', ...QUIET_TOOLS, TOKEN: 'Bearer s3cret', MODE: 'fast' },
      secrets: ['s3cret'],
    });
  });

  it('fails, naming the secret, when one is not set', () => {
    expect(buildEnv({ TOKEN: '{secret:nope}' }, secrets, {})).toEqual({
      ok: false,
      error: 'secret "nope" (for TOKEN) is not set',
    });
  });
});
