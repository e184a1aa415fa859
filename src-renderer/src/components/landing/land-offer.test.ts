import { describe, expect, it } from 'vitest';
import type { Landing } from '../../../../src-shared/schemas/landing.ts';
import type { Workspace } from '../../../../src-shared/schemas/workspace.ts';
import { defaultPrTitle, landOffer } from './land-offer.ts';

const ws = (id: string, remote: Workspace['remote']): Workspace =>
  ({ id, path: `/src/${id}`, base_branch: 'main', remote }) as Workspace;
const github = {
  url: 'https://github.com/acme/app.git',
  base_branch: 'trunk',
  forge: { kind: 'github' as const, api_url: 'https://api.github.com', repo: 'acme/app', token_secret: 't' },
};
const landing = (state: Landing['state']) => ({ state }) as Landing;

describe('landOffer', () => {
  it('offers push and a pull request against the remote base branch', () => {
    expect(landOffer([ws('app', github)], [])).toEqual({
      kind: 'offer',
      push: true,
      remote: 'https://github.com/acme/app.git',
      forge: 'GitHub acme/app',
      base: 'trunk',
    });
  });

  it('says a workspace without a remote, offers no pull request without a forge, no push once pushed', () => {
    expect(landOffer([ws('app', null)], [])).toEqual({ kind: 'no_remote', workspace: 'app' });
    const bare = landOffer(
      [ws('app', { url: '/srv/app.git', base_branch: null, forge: null })],
      [landing('pushed')],
    );
    expect(bare).toMatchObject({ kind: 'offer', push: false, forge: null, base: 'main' });
  });

  it('offers nothing once a pull request is open, being fixed, merged or closed; again after a failure', () => {
    for (const s of ['open', 'fixing', 'merged', 'closed'] as const)
      expect(landOffer([ws('app', github)], [landing(s)])).toEqual({ kind: 'landed' });
    expect(landOffer([ws('app', github)], [landing('failed')]).kind).toBe('offer');
  });
});

describe('defaultPrTitle', () => {
  it("is the task's first line and the plan's name, else the plan's name and the run", () => {
    expect(
      defaultPrTitle({ plan_id: 'p', name: 'Health' }, 'r1', {
        task_id: 'api',
        description: '\nAdd /health\nmore',
      }),
    ).toBe('Add /health (Health)');
    expect(defaultPrTitle({ plan_id: 'p' }, 'r1', null)).toBe('p: run r1');
  });
});
