import { describe, expect, it } from 'vitest';
import { envText, inShell, joinArgs, parseEnv, shellSyntax, splitArgs } from './argv.ts';

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

describe('shellSyntax', () => {
  it('finds what needs a shell outside quotes', () => {
    expect(shellSyntax('npm ci && npm test')).toBe('&&');
    expect(shellSyntax('npm test | tee out.txt')).toBe('|');
    expect(shellSyntax('cd app; npm test')).toBe(';');
    expect(shellSyntax('npm test > out.txt')).toBe('a redirection (< or >)');
    expect(shellSyntax('echo $HOME')).toBe('a $ variable');
    expect(shellSyntax('echo "$HOME"')).toBe('a $ variable');
    expect(shellSyntax('CI=1 npm test')).toBe('NAME=value before the command');
    expect(shellSyntax('cd app')).toBe('cd');
    expect(shellSyntax('rm -f *.log')).toBe('a * or ? pattern');
  });
  it('says nothing of a plain command, or of what is quoted', () => {
    expect(shellSyntax('npm test')).toBeNull();
    expect(shellSyntax('node --test --test-reporter=tap')).toBeNull();
    expect(shellSyntax("grep -e 'a|b' src")).toBeNull();
  });
  it('wraps a line for sh -c, quotes kept', () => {
    expect(inShell("npm ci && echo 'ok'")).toBe(`sh -c 'npm ci && echo '"'"'ok'"'"''`);
    expect(splitArgs(inShell("npm ci && echo 'ok'"))).toEqual({
      ok: true,
      args: ['sh', '-c', "npm ci && echo 'ok'"],
    });
  });
});
