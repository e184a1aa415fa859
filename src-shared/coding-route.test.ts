import { describe, expect, it } from 'vitest';
import { codingRoute, routeLabel, routeLine } from './coding-route.ts';

const provider = { base_url: 'http://127.0.0.1:1/v1' };
const installed = { claudeAcp: true };
const missing = { claudeAcp: false };

describe('the route of a coding agent', () => {
  it('is its own protocol when it sets one', () => {
    for (const facts of [installed, missing]) {
      expect(codingRoute({ cli: 'claude', protocol: 'stream' }, facts)).toEqual({
        protocol: 'stream',
        set: true,
        why: '',
      });
      expect(codingRoute({ cli: 'codex', protocol: 'acp' }, facts).protocol).toBe('acp');
    }
    expect(routeLabel(codingRoute({ cli: 'codex', protocol: 'acp' }, missing))).toBe('ACP');
  });

  it('defaults per cli as docs/acp-parity.md recommends', () => {
    const route = (cli: 'claude' | 'codex' | 'opencode' | 'qwen' | 'gemini' | 'acp', p?: object) =>
      codingRoute({ cli, provider: p }, installed).protocol;
    expect(route('claude')).toBe('acp');
    expect(codingRoute({ cli: 'claude' }, missing).protocol).toBe('stream');
    expect(route('codex')).toBe('stream');
    expect(route('codex', provider)).toBe('stream');
    expect(route('opencode', provider)).toBe('acp');
    expect(route('qwen', provider)).toBe('acp');
    expect(route('opencode')).toBe('stream');
    expect(route('qwen')).toBe('stream');
    expect(route('gemini')).toBe('acp');
    expect(route('acp')).toBe('acp');
  });

  it('is said once in the log and named on screen', () => {
    expect(routeLine('claude', codingRoute({ cli: 'claude' }, installed))).toBe(
      'claude runs over ACP (default for claude; set protocol: "stream" for the stream adapter)',
    );
    expect(routeLine('claude', codingRoute({ cli: 'claude' }, missing))).toBe(
      'claude runs on its stream adapter (default for claude while claude-agent-acp is not installed; set protocol: "acp" for ACP)',
    );
    expect(routeLine('qwen', codingRoute({ cli: 'qwen', protocol: 'stream' }, installed))).toBe(
      'qwen runs on its stream adapter (its protocol: "stream")',
    );
    expect(routeLine('gemini', codingRoute({ cli: 'gemini' }, missing))).toBe(
      'gemini runs over ACP (gemini has no other route)',
    );
    expect(routeLabel(codingRoute({ cli: 'opencode', provider }, missing))).toBe('default (ACP)');
    expect(routeLabel(codingRoute({ cli: 'codex' }, missing))).toBe('default (stream)');
  });
});
