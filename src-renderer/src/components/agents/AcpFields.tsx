import { useId } from 'react';
import { isStreamCli } from '../../../../src-shared/schemas/agent.ts';
import { useRouteFacts } from '../../store/agent-facts.ts';
import { InputField } from '../shared/InputField.tsx';
import { MoreInput } from './AgentMoreFields.tsx';
import { defaultOption, TOOL_POLICY_KEY } from './acp-fields.ts';
import type { AgentDraft, AgentFieldErrors } from './agent-form.ts';
import { TOOL_POLICY } from './agent-more.ts';

type SetField = <K extends keyof AgentDraft>(k: K) => (v: AgentDraft[K]) => void;

/**
 * How Baton drives a coding agent, beside its kind: the default for its CLI (the option says which
 * route that is here), the Agent Client Protocol (Baton is the client; the text beside it says so),
 * or the CLI's own event stream (its flags and parser). On the stream, a CLI only ACP drives
 * becomes Claude Code.
 */
export function ProtocolField({
  d,
  errors,
  set,
}: {
  d: AgentDraft;
  errors: AgentFieldErrors;
  set: SetField;
}) {
  const message = useId();
  const facts = useRouteFacts();
  return (
    <label>
      Protocol
      <select
        value={d.protocol}
        aria-label="Protocol"
        aria-describedby={errors.protocol ? message : undefined}
        aria-invalid={errors.protocol ? true : undefined}
        onChange={(e) => {
          const protocol = e.target.value as AgentDraft['protocol'];
          set('protocol')(protocol);
          if (protocol === 'stream' && !isStreamCli(d.cli)) set('cli')('claude');
        }}
      >
        <option value="">{defaultOption(d, facts)}</option>
        <option value="acp">Agent Client Protocol (ACP)</option>
        <option value="stream">the CLI's own stream</option>
      </select>
      {errors.protocol && (
        <span className="field-error" id={message}>
          {errors.protocol}
        </span>
      )}
    </label>
  );
}

/** Another ACP agent (cli `acp`): the program that starts it and the arguments that put it in ACP mode. */
export function AcpProgramFields({
  d,
  errors,
  set,
}: {
  d: AgentDraft;
  errors: AgentFieldErrors;
  set: SetField;
}) {
  return (
    <>
      <InputField
        label="Program"
        value={d.executable}
        onChange={set('executable')}
        error={errors.executable}
        placeholder="e.g. goose"
        hint="The ACP agent's program, on PATH or by its full path."
        reserveError
      />
      <InputField
        label="Arguments"
        value={d.cli_args}
        onChange={set('cli_args')}
        error={errors.cli_args ?? errors.args}
        placeholder="e.g. acp"
        hint="What starts it in ACP mode over stdio (one line; quote words with spaces)."
        reserveError
      />
    </>
  );
}

/** An ACP agent's tool policy: the llm agent's editor, over `<agent>/<tool>` patterns. */
export function AcpToolPolicy({
  d,
  errors,
  onChange,
}: {
  d: AgentDraft;
  errors: AgentFieldErrors;
  onChange(text: string): void;
}) {
  return (
    <div className="wide">
      <MoreInput
        field={{
          ...TOOL_POLICY,
          placeholder: '[{ "tools": "*/Bash", "policy": "ask" }, { "tools": "*/Write", "policy": "allow" }]',
          hint:
            d.tool_approvals === 'inbox'
              ? 'Patterns over <cli>/<tool> (claude/Write, */execute); with none matching, reads and searches run and the rest are asked.'
              : 'Used when tool calls ask in Approvals; until then every permission request is allowed.',
        }}
        value={d.more[TOOL_POLICY_KEY] ?? ''}
        error={errors[`more.${TOOL_POLICY_KEY}`]}
        onChange={onChange}
      />
    </div>
  );
}
