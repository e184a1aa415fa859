import { describe, expect, it } from 'vitest';
import type { CodingAgent } from '../../../../src-shared/schemas/agent.ts';
import { routeAgent } from './default-route.ts';

const agent = (extra: Partial<CodingAgent>): CodingAgent =>
  ({ id: 'a', kind: 'coding', cli: 'claude', skills: [], args: [], env: {}, ...extra }) as CodingAgent;
const installed = { claudeAcp: true, claudeAcpPath: '/opt/bin/claude-agent-acp' };
const missing = { claudeAcp: false, claudeAcpPath: null };

describe('the route of an attempt', () => {
  it('runs claude over its ACP adapter by default, pointed at the Claude Code the agent names', () => {
    const routed = routeAgent(agent({ executable: '/opt/claude', env: { A: 'b' } }), installed);
    expect(routed.agent).toMatchObject({
      protocol: 'acp',
      executable: '/opt/bin/claude-agent-acp',
      env: { A: 'b', CLAUDE_CODE_EXECUTABLE: '/opt/claude' },
    });
    expect(routed.line).toBe(
      'claude runs over ACP (default for claude; set protocol: "stream" for the stream adapter)',
    );
    expect(routeAgent(agent({}), installed).agent.env).toEqual({});
  });

  it('keeps claude on its stream without the adapter, and any protocol the agent sets', () => {
    const without = routeAgent(agent({ executable: '/opt/claude' }), missing);
    expect(without.agent).toMatchObject({ protocol: 'stream', executable: '/opt/claude' });
    const stream = routeAgent(agent({ protocol: 'stream' }), installed);
    expect(stream.agent.protocol).toBe('stream');
    expect(stream.line).toBe('claude runs on its stream adapter (its protocol: "stream")');
    // Set by the agent, ACP runs the program it names (claude-agent-acp itself).
    const own = routeAgent(agent({ protocol: 'acp', executable: '/x/claude-agent-acp' }), installed);
    expect(own.agent).toMatchObject({ protocol: 'acp', executable: '/x/claude-agent-acp', env: {} });
  });

  it('runs opencode over ACP with a provider, on its stream without one', () => {
    const provider = { base_url: 'http://127.0.0.1:1/v1' };
    expect(routeAgent(agent({ cli: 'opencode', provider }), missing).agent.protocol).toBe('acp');
    expect(routeAgent(agent({ cli: 'opencode' }), missing).line).toBe(
      'opencode runs on its stream adapter (default for opencode on the person\'s own login; set protocol: "acp" for ACP)',
    );
  });
});
