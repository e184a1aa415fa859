import { describe, expect, it } from 'vitest';
import { originDraft, remoteDraftOf, remoteErrorsOf, remoteInputOf, remoteSummary } from './remote-form.ts';

describe('the remote form', () => {
  it('round-trips a stored remote, leaving the default API URL empty', () => {
    const stored = {
      url: 'https://github.com/acme/app.git',
      base_branch: null,
      forge: {
        kind: 'github' as const,
        api_url: 'https://api.github.com',
        repo: 'acme/app',
        token_secret: 'gh',
      },
    };
    const d = remoteDraftOf(stored);
    expect(d).toMatchObject({ forge: 'github', api_url: '', base_branch: '' });
    expect(remoteInputOf(d)).toEqual({
      url: stored.url,
      forge: { kind: 'github', repo: 'acme/app', token_secret: 'gh' },
    });
    expect(remoteSummary(stored)).toBe('GitHub acme/app');
    const gitlab = {
      ...stored,
      forge: {
        ...stored.forge,
        kind: 'gitlab' as const,
        api_url: 'https://gitlab.com/api/v4',
        repo: 'acme/sub/app',
      },
    };
    expect(remoteDraftOf(gitlab)).toMatchObject({ forge: 'gitlab', api_url: '', repo: 'acme/sub/app' });
    expect(remoteSummary(gitlab)).toBe('GitLab acme/sub/app');
  });

  it("round-trips a Gitea remote with its instance's address, and says a missing one under its field", () => {
    const stored = {
      url: 'https://gitea.example.com/acme/app.git',
      base_branch: null,
      forge: {
        kind: 'gitea' as const,
        api_url: 'https://gitea.example.com',
        repo: 'acme/app',
        token_secret: 'gitea.token',
      },
    };
    const d = remoteDraftOf(stored);
    expect(d).toMatchObject({ forge: 'gitea', api_url: 'https://gitea.example.com' });
    expect(remoteInputOf(d)).toEqual({
      url: stored.url,
      forge: {
        kind: 'gitea',
        repo: 'acme/app',
        token_secret: 'gitea.token',
        api_url: 'https://gitea.example.com',
      },
    });
    const message =
      'Gitea and Forgejo have no default host: forge.api_url must be the address of yours (https://gitea.example.com)';
    expect(remoteErrorsOf([{ path: 'remote.forge.api_url', message }])).toEqual({
      api_url: `Forge API URL: ${message}`,
    });
  });

  it('keeps a webhook secret name when one is given', () => {
    const d = {
      ...remoteDraftOf(null),
      url: 'https://github.com/a/b.git',
      forge: 'github' as const,
      repo: 'a/b',
      token_secret: 't',
      webhook_secret: ' hook ',
    };
    expect(remoteInputOf(d)).toEqual({
      url: d.url,
      forge: { kind: 'github', repo: 'a/b', token_secret: 't', webhook_secret: 'hook' },
    });
  });

  it('clears the remote when the URL is empty, and leaves the forge out when there is none', () => {
    expect(remoteInputOf({ ...remoteDraftOf(null), url: ' ' })).toBeNull();
    expect(remoteInputOf({ ...remoteDraftOf(null), url: 'git@host:a/b.git', base_branch: 'dev' })).toEqual({
      url: 'git@host:a/b.git',
      base_branch: 'dev',
    });
    expect(remoteSummary({ url: 'git@host:a/b.git', base_branch: 'dev', forge: null })).toBe(
      'git@host:a/b.git (dev)',
    );
  });

  it("puts the host's issues under their fields", () => {
    expect(
      remoteErrorsOf([
        { path: 'remote.url', message: 'must not hold a password' },
        { path: 'remote.forge.kind', message: 'must be github, gitlab or gitea' },
        { path: 'remote.forge.repo', message: 'must be owner/name' },
        { path: 'remote.forge.token_secret', message: 'must not be empty' },
        { path: 'remote.forge.api_url', message: 'bad' },
        { path: 'remote.forge.webhook_secret', message: 'may contain only letters' },
      ]),
    ).toEqual({
      url: 'Remote URL: must not hold a password',
      forge: 'Forge: must be github, gitlab or gitea',
      repo: 'Repository on the forge: must be owner/name',
      token_secret: 'Token secret: must not be empty',
      api_url: 'Forge API URL: bad',
      webhook_secret: 'Webhook secret: may contain only letters',
    });
  });
});

describe('originDraft', () => {
  it("fills the remote form from a repository's origin, the token secret named after its forge", () => {
    expect(
      originDraft({ url: 'git@github.com:acme/app.git', forge: { kind: 'github', repo: 'acme/app' } }),
    ).toEqual({
      url: 'git@github.com:acme/app.git',
      base_branch: '',
      forge: 'github',
      api_url: '',
      repo: 'acme/app',
      token_secret: 'github.token',
      webhook_secret: '',
    });
    expect(originDraft({ url: '/srv/git/app.git', forge: null })).toMatchObject({
      forge: 'none',
      token_secret: '',
    });
  });
});
