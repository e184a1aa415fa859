import { describe, expect, it } from 'vitest';
import { forgeOfUrl } from './forge.ts';

describe('forgeOfUrl', () => {
  it('reads github.com and gitlab.com remotes over https, ssh and scp-like', () => {
    expect(forgeOfUrl('https://github.com/acme/app.git')).toEqual({ kind: 'github', repo: 'acme/app' });
    expect(forgeOfUrl('git@github.com:acme/app.git')).toEqual({ kind: 'github', repo: 'acme/app' });
    expect(forgeOfUrl('ssh://git@github.com/acme/app')).toEqual({ kind: 'github', repo: 'acme/app' });
    expect(forgeOfUrl('https://gitlab.com/acme/platform/app.git')).toEqual({
      kind: 'gitlab',
      repo: 'acme/platform/app',
    });
  });
  it('knows no other host, and no GitHub path that is not owner/name', () => {
    expect(forgeOfUrl('https://git.example.com/acme/app.git')).toBeNull();
    expect(forgeOfUrl('/srv/git/app.git')).toBeNull();
    expect(forgeOfUrl('https://github.com/acme/app/tree/main')).toBeNull();
  });
});
