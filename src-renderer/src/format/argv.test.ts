import { describe, expect, it } from 'vitest';
import { envText, joinArgs, parseEnv, splitArgs } from './argv.ts';

describe('command lines typed in a form', () => {
  it('splits at spaces and keeps quoted words whole', () => {
    expect(splitArgs(' npm  ci ')).toEqual({ ok: true, args: ['npm', 'ci'] });
    expect(splitArgs(`sh -c "make all" '' x'y z'`)).toEqual({
      ok: true,
      args: ['sh', '-c', 'make all', '', 'xy z'],
    });
    expect(splitArgs('')).toEqual({ ok: true, args: [] });
  });
  it('names an unclosed quote', () => {
    expect(splitArgs('echo "hi')).toEqual({ ok: false, error: 'has a " that is never closed' });
  });
  it('reads back what it wrote', () => {
    const args = ['--model', 'a b', "it's", '', 'plain'];
    expect(splitArgs(joinArgs(args))).toEqual({ ok: true, args });
  });
});

describe('environments typed in a form', () => {
  it('reads NAME=value lines and secrets by name', () => {
    expect(parseEnv('A=1\n\n B = x=y \nKEY=secret:anthropic.key')).toEqual({
      ok: true,
      env: { A: '1', B: ' x=y', KEY: { secret: 'anthropic.key' } },
    });
  });
  it('names the line that is wrong', () => {
    expect(parseEnv('A=1\nnope')).toEqual({ ok: false, error: 'line 2 (nope) needs NAME=value' });
    expect(parseEnv('1A=x')).toEqual({
      ok: false,
      error: 'line 1: "1A" is not an environment variable name',
    });
  });
  it('writes what it reads', () => {
    const env = { A: '1', KEY: { secret: 'k' } };
    expect(parseEnv(envText(env))).toEqual({ ok: true, env });
  });
});
