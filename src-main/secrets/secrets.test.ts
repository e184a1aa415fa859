import { describe, expect, it } from 'vitest';
import {
  createSecretResolver,
  createStreamRedactor,
  redact,
  redactValue,
  secretEnvName,
  secretEnvVar,
} from './secrets.ts';

describe('createSecretResolver', () => {
  it('prefers the store, then BATON_SECRET_<NAME>, then the variable as named', () => {
    const env = { BATON_SECRET_OPENAI_KEY: 'from-prefixed', 'openai.key': 'from-plain', PLAIN: 'plain' };
    const store = new Map([['stored', 'from-store']]);
    const secrets = createSecretResolver(env, store);
    expect(secrets.get('stored')).toBe('from-store');
    expect(secrets.get('openai.key')).toBe('from-prefixed');
    expect(secrets.get('PLAIN')).toBe('plain');
    expect(secrets.get('missing')).toBeUndefined();
  });

  it('upper-cases the name and maps other characters to _', () => {
    expect(secretEnvName('my-api.key2')).toBe('BATON_SECRET_MY_API_KEY2');
  });

  it('treats empty values as unset and falls through', () => {
    const secrets = createSecretResolver({ BATON_SECRET_X: '', X: 'plain' }, { get: () => '' });
    expect(secrets.get('X')).toBe('plain');
    expect(createSecretResolver({ Y: '' }).get('Y')).toBeUndefined();
  });
});

describe('a secret named as an object member', () => {
  it('is unset, not what the environment inherits (constructor, __proto__, toString)', () => {
    // process.env itself: what an agent's `{secret:constructor}` was looked up in.
    const r = createSecretResolver(process.env);
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(r.get(name), name).toBeUndefined();
      expect(secretEnvVar(name, process.env), name).toBeNull();
    }
    expect(r.get('PATH')).toBe(process.env.PATH);
    expect(secretEnvVar('PATH', process.env)).toBe('PATH');
  });
});

describe('redact', () => {
  it('replaces every occurrence of every secret', () => {
    expect(redact('key=abc123 again abc123, other=zz9', ['abc123', 'zz9'])).toBe(
      'key=*** again ***, other=***',
    );
  });

  it('replaces the longer secret first when one contains another', () => {
    expect(redact('token abcdef', ['abc', 'abcdef'])).toBe('token ***');
  });

  it('ignores empty secrets and leaves text without secrets alone', () => {
    expect(redact('nothing here', ['', 'absent'])).toBe('nothing here');
  });

  it('redacts strings inside values, keys included', () => {
    expect(redactValue({ a: ['x s3cr3t y', 1, null], s3cr3t: true }, ['s3cr3t'])).toEqual({
      a: ['x *** y', 1, null],
      '***': true,
    });
  });
});

describe('createStreamRedactor', () => {
  it('catches a secret split across pieces', () => {
    const r = createStreamRedactor(['hunter2']);
    const out = ['say hun', 'ter', '2 and hunt', 'ing done'].map((p) => r.push(p)).join('') + r.flush();
    expect(out).toBe('say *** and hunting done');
  });

  it('holds back only a tail that could start a secret', () => {
    const r = createStreamRedactor(['hunter2']);
    expect(r.push('plain line\n')).toBe('plain line\n');
    expect(r.push('then hu')).toBe('then ');
    expect(r.push('go')).toBe('hugo');
  });

  it('passes text straight through when there are no secrets', () => {
    const r = createStreamRedactor([]);
    expect(r.push('abc')).toBe('abc');
    expect(r.flush()).toBe('');
  });
});
