import { useId } from 'react';
import type { AnyCodingCli } from '../../../../src-shared/schemas/agent.ts';
import { useRouteFacts } from '../../store/agent-facts.ts';
import { InputField } from '../shared/InputField.tsx';
import { MoreFields } from '../shared/MoreFields.tsx';
import { asksToolCalls, clisFor, overAcp } from './acp-fields.ts';
import type { AgentDraft, AgentFieldErrors } from './agent-form.ts';
import { CLI_NAMES } from './coding-draft.ts';

type SetField = <K extends keyof AgentDraft>(k: K) => (v: AgentDraft[K]) => void;

/**
 * A select's hint, or its error in the hint's place (as InputField's); `id` is what the select's
 * aria-describedby names, so the select's own name stays its label.
 */
function Message({ id, hint, error }: { id: string; hint: string; error: string | undefined }) {
  return (
    <span className="field-message" id={id}>
      {!error && <span className="field-hint">{hint}</span>}
      <span className="field-error">{error}</span>
    </span>
  );
}

/** Which coding CLI: the first thing a coding agent is, so it sits beside its id. */
export function CliField({ d, errors, set }: { d: AgentDraft; errors: AgentFieldErrors; set: SetField }) {
  const hint = useId();
  return (
    <label>
      CLI
      <select
        value={d.cli}
        aria-label="CLI"
        aria-describedby={hint}
        onChange={(e) => set('cli')(e.target.value as AnyCodingCli)}
      >
        {clisFor(d.protocol).map((c) => (
          <option key={c} value={c}>
            {c === 'acp' ? 'Other ACP agent' : `${CLI_NAMES[c]} (${c})`}
          </option>
        ))}
      </select>
      <Message
        id={hint}
        hint={
          d.cli === 'acp'
            ? 'Any agent that speaks ACP over stdio, started by its program.'
            : "Runs in the task's own git worktree."
        }
        error={errors.cli}
      />
    </label>
  );
}

/** The model server each CLI is pointed at, where it is not an OpenAI-compatible one. */
const PROVIDER_PLACEHOLDER: Partial<Record<AnyCodingCli, string>> = {
  claude: 'https://api.anthropic.com',
  gemini: 'https://generativelanguage.googleapis.com',
  acp: 'not used',
};
const PROVIDER_HINT: Partial<Record<AnyCodingCli, string>> = {
  claude: 'The provider: an Anthropic Messages API root; blank: your own login.',
  gemini: 'The provider: a server speaking the Gemini API; blank: your own login.',
  acp: 'Another ACP agent is started as it is, with its own config: Baton points it at no server.',
};

/** The program a CLI starts as when none is named: over ACP, Claude Code and Codex are Zed's adapters. */
function defaultProgram(d: AgentDraft): string {
  if (d.protocol !== 'acp') return d.cli;
  return d.cli === 'claude' ? 'claude-agent-acp' : d.cli === 'codex' ? 'codex-acp' : d.cli;
}

/** What the chosen "Tool calls" means, for the CLI and its route (`acp`: over ACP). */
function toolCallsHint(d: AgentDraft, acp: boolean): string {
  if (acp)
    return d.tool_approvals === 'inbox'
      ? 'Each permission request the agent makes goes by the tool policy; the ones it asks about wait in Approvals.'
      : 'Every permission request the agent makes is allowed.';
  return d.tool_approvals === 'inbox'
    ? 'Each tool call waits for a person in Approvals.'
    : "Claude Code's permission checks are skipped.";
}

/**
 * A coding agent's own fields that most set: whether a person reviews its diff, and
 * whether its tool calls ask the inbox (Claude Code on its stream, and every agent over ACP, can). The options are short, so a
 * narrow column shows them whole; the hint under each says what the chosen one means.
 */
export function CodingFields({ d, errors, set }: { d: AgentDraft; errors: AgentFieldErrors; set: SetField }) {
  const reviewHint = useId();
  const facts = useRouteFacts();
  const toolsHint = useId();
  return (
    <>
      <label>
        Review
        <select
          value={d.review}
          aria-label="Review"
          aria-describedby={reviewHint}
          onChange={(e) => set('review')(e.target.value as AgentDraft['review'])}
        >
          <option value="">none</option>
          <option value="diff">a person reviews the diff</option>
        </select>
        <Message
          id={reviewHint}
          hint={
            d.review === 'diff'
              ? 'Its diff waits in Approvals before the task is done.'
              : 'The task is done when the attempt is.'
          }
          error={errors.review}
        />
      </label>
      {asksToolCalls(d, facts) ? (
        <label>
          Tool calls
          <select
            value={d.tool_approvals}
            aria-label="Tool calls"
            aria-describedby={toolsHint}
            onChange={(e) => set('tool_approvals')(e.target.value as AgentDraft['tool_approvals'])}
          >
            <option value="">run without asking</option>
            <option value="inbox">ask in Approvals</option>
          </select>
          <Message id={toolsHint} hint={toolCallsHint(d, overAcp(d, facts))} error={errors.tool_approvals} />
        </label>
      ) : (
        <p className="small muted tool-calls-note" role="note" aria-label="Tool calls">
          {CLI_NAMES[d.cli]} on its own stream has no way to ask Baton before a tool runs: its tools run
          unasked, inside the sandbox below. Over ACP (Protocol) they can wait in Approvals.
        </p>
      )}
    </>
  );
}

/**
 * The coding fields most agents leave as they are, folded under "More coding settings": the model
 * server Baton points the CLI at (its base URL and its API key, by secret name), the program,
 * model, limits, arguments and environment.
 */
export function CodingMore({ d, errors, set }: { d: AgentDraft; errors: AgentFieldErrors; set: SetField }) {
  const text = (
    label: string,
    key: 'executable' | 'model' | 'timeout_s' | 'max_cost_usd',
    placeholder: string,
  ) => (
    <InputField
      label={label}
      value={d[key]}
      onChange={set(key)}
      error={errors[key]}
      placeholder={placeholder}
      reserveError
    />
  );
  // Another ACP agent's program and arguments are among the first fields, not here.
  const own = d.cli === 'acp';
  const keys = (
    [
      'provider_url',
      'provider_secret',
      'executable',
      'model',
      'timeout_s',
      'max_cost_usd',
      'cli_args',
      'env',
    ] as const
  ).filter((k) => !own || (k !== 'executable' && k !== 'cli_args'));
  return (
    <MoreFields
      summary="More coding settings: model server, program, model, limits, arguments, environment"
      filled={keys.some((k) => d[k] !== '')}
      hasError={keys.some((k) => errors[k]) || (!own && Boolean(errors.args))}
    >
      <InputField
        label="Model server URL (optional)"
        value={d.provider_url}
        onChange={set('provider_url')}
        error={errors.provider_url}
        placeholder={PROVIDER_PLACEHOLDER[d.cli] ?? 'http://127.0.0.1:11434/v1'}
        hint={
          PROVIDER_HINT[d.cli] ??
          'The provider: an OpenAI-compatible base ending in /v1; blank: your own login.'
        }
        reserveError
      />
      <InputField
        label="API key secret (optional)"
        value={d.provider_secret}
        onChange={set('provider_secret')}
        error={errors.provider_secret}
        placeholder="e.g. anthropic.key"
        hint="The model server's key, by a secret's name (Secrets, below), never the key itself."
        reserveError
      />
      {!own && text('Program (optional)', 'executable', `default: ${defaultProgram(d)} on PATH`)}
      {text(
        'Model (optional)',
        'model',
        d.provider_url ? 'the model the provider serves' : "default: the CLI's own",
      )}
      {text('Timeout (s)', 'timeout_s', 'no limit')}
      {text('Most per attempt (USD)', 'max_cost_usd', 'no limit')}
      {!own && (
        <div className="wide">
          <InputField
            label="Extra arguments (one line; quote words with spaces)"
            value={d.cli_args}
            onChange={set('cli_args')}
            error={errors.cli_args ?? errors.args}
            placeholder="e.g. --permission-mode acceptEdits"
            reserveError
          />
        </div>
      )}
      <label className="wide">
        Environment (one NAME=value a line; NAME=secret:KEY takes a secret's value)
        <textarea
          rows={2}
          value={d.env}
          aria-invalid={errors.env ? true : undefined}
          onChange={(e) => set('env')(e.target.value)}
        />
        <span className="field-error">{errors.env}</span>
      </label>
    </MoreFields>
  );
}

/** What a person should know before registering a coding agent, said where the kind is chosen. */
export function CodingWarning() {
  return (
    <div className="coding-warning" role="note" aria-label="About coding agents">
      <strong>These CLIs run commands on this machine.</strong> In the sandbox (below) they write only their
      task's worktree and reach only the hosts listed.
      <details>
        <summary>Where it starts, sandboxing, approvals</summary>
        <p>
          It starts in its task's git worktree. With the sandbox off it acts with your rights: it reads,
          writes and reaches whatever you could. Claude Code, and any agent driven over the Agent Client
          Protocol, can send a tool call to Baton's Approvals inbox before it runs; the others decide by their
          own settings.
        </p>
      </details>
    </div>
  );
}
