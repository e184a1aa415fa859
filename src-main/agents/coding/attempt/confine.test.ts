import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sandboxPolicyOf } from '../../../../src-shared/schemas/sandbox.ts';
import { CODING_CLI_DEFINITIONS } from '../clis/index.ts';
import { cliSandbox, hostOf } from './confine.ts';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function folders() {
  dir = mkdtempSync(join(tmpdir(), 'baton-cli-sandbox-'));
  const made = { worktree: join(dir, 'tree'), stateFolder: join(dir, 'home'), tmp: join(dir, 'tmp') };
  for (const f of Object.values(made)) mkdirSync(f);
  return made;
}

describe("a coding CLI's sandbox", () => {
  it("names a URL's host as the sandbox lists it: an IP literal with its port", () => {
    expect(hostOf('http://127.0.0.1:4123/m/abc')).toBe('127.0.0.1:4123');
    expect(hostOf('https://api.example.com/v1')).toBe('api.example.com');
    expect(hostOf('http://[::1]:3000/')).toBe('[::1]:3000');
  });

  it("reaches its metering endpoint, Baton's MCP server and the agent's hosts; writes its worktree, state folder and temp folder", () => {
    const f = folders();
    const box = cliSandbox({
      policy: sandboxPolicyOf({ network: { allow: ['registry.npmjs.org'] } }),
      ownLogin: CODING_CLI_DEFINITIONS.claude.ownLogin,
      endpoint: 'http://127.0.0.1:4123/m/abc',
      mcp: 'http://127.0.0.1:5000/mcp',
      provider: true,
      home: f.stateFolder,
      ...f,
    });
    expect(box.policy.network.allow).toEqual(['registry.npmjs.org', '127.0.0.1:4123', '127.0.0.1:5000']);
    expect(box.policy.mode).toBe('required');
    expect(box.folders).toEqual([f.worktree, f.stateFolder, f.tmp]);
  });

  it("on the person's own login: its vendor's hosts, and its own state folders in their home that exist", () => {
    const f = folders();
    const home = join(dir, 'person');
    mkdirSync(join(home, '.codex'), { recursive: true });
    const box = cliSandbox({
      policy: sandboxPolicyOf(undefined),
      ownLogin: CODING_CLI_DEFINITIONS.codex.ownLogin,
      endpoint: null,
      mcp: null,
      provider: false,
      home,
      ...f,
    });
    expect(box.policy.network.allow).toEqual(['api.openai.com', 'chatgpt.com', 'auth.openai.com']);
    expect(box.folders).toEqual([f.worktree, f.stateFolder, f.tmp, join(home, '.codex')]);
  });

  it("on the person's own login keeps the CLI's config read-only: ~/.claude.json is not writable, its settings and commands stay as they are", () => {
    const f = folders();
    const home = join(dir, 'person');
    mkdirSync(join(home, '.claude'), { recursive: true });
    writeFileSync(join(home, '.claude.json'), '{}');
    const box = cliSandbox({
      policy: sandboxPolicyOf(undefined),
      ownLogin: CODING_CLI_DEFINITIONS.claude.ownLogin,
      endpoint: 'http://127.0.0.1:4123/m/abc',
      mcp: null,
      provider: false,
      home,
      ...f,
    });
    expect(box.folders).toEqual([f.worktree, f.stateFolder, f.tmp, join(home, '.claude')]);
    expect(box.readOnly).toEqual(
      expect.arrayContaining([
        { path: join(home, '.claude', 'settings.json'), standIn: 'file' },
        { path: join(home, '.claude', 'commands'), standIn: 'folder' },
        { path: join(home, '.claude', 'hooks'), standIn: 'folder' },
      ]),
    );
    // With a provider its home is Baton's, for the task: nothing of the person's is its to write.
    expect(
      cliSandbox({
        policy: sandboxPolicyOf(undefined),
        ownLogin: CODING_CLI_DEFINITIONS.claude.ownLogin,
        endpoint: null,
        mcp: null,
        provider: true,
        home,
        ...f,
      }).readOnly,
    ).toEqual([]);
  });
});
