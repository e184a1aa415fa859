import type { ToolPolicy, ToolPolicyRule } from '../../../../src-shared/schemas/agent-tools.ts';
import type { ToolInfo } from './tool-source.ts';

/** A rule's pattern as a regular expression over `<source>/<tool>`: `*` any run, `?` one character. */
function patternOf(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

export interface PolicyDecision {
  policy: ToolPolicy;
  /** Which rule decided, or that the default did (and why). */
  why: string;
}

/**
 * An agent's tool policy: the first rule whose pattern matches `<source>/<tool>` decides; with
 * none, a tool its server marks read-only (`readOnlyHint`) is allowed and any other is asked
 * about (the spec's default for a tool without the hint is "may write").
 */
export function toolPolicy(rules: readonly ToolPolicyRule[]) {
  const compiled = rules.map((r) => ({ ...r, re: patternOf(r.tools) }));
  return (tool: Pick<ToolInfo, 'source' | 'name' | 'read_only'>): PolicyDecision => {
    const key = `${tool.source}/${tool.name}`;
    const rule = compiled.find((r) => r.re.test(key));
    if (rule) return { policy: rule.policy, why: `the agent's rule "${rule.tools}: ${rule.policy}"` };
    return tool.read_only
      ? { policy: 'allow', why: 'read-only by its server' }
      : { policy: 'ask', why: 'it may change things (not marked read-only)' };
  };
}
