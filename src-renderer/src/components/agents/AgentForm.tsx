import type { Dispatch, SetStateAction } from 'react';
import { useState } from 'react';
import type { Agent, AgentKind } from '../../../../src-shared/schemas/agent.ts';
import { AGENT_KINDS } from '../../../../src-shared/schemas/agent.ts';
import { api } from '../../api/client.ts';
import { contractIssues } from '../../api/errors.ts';
import { useRouteFacts } from '../../store/agent-facts.ts';
import { useBaton } from '../../store/index.ts';
import { AllowedHosts } from '../sandbox/AllowedHosts.tsx';
import { SandboxFields } from '../sandbox/SandboxFields.tsx';
import type { SandboxField } from '../sandbox/sandbox-draft.ts';
import { FormActions, FormPanel } from '../shared/FormPanel.tsx';
import { InputField } from '../shared/InputField.tsx';
import { SkillsField } from '../shared/SkillsField.tsx';
import { AcpProgramFields, AcpToolPolicy, ProtocolField } from './AcpFields.tsx';
import { AgentMoreFields } from './AgentMoreFields.tsx';
import { AgentToolGrants } from './AgentToolGrants.tsx';
import { overAcp, TOOL_POLICY_KEY } from './acp-fields.ts';
import type { AgentDraft, AgentFieldErrors } from './agent-form.ts';
import { checkDraft, fieldErrorsOf, SANDBOXED_KINDS } from './agent-form.ts';
import { CliField, CodingFields, CodingMore, CodingWarning } from './CodingFields.tsx';

const KIND_HELP: Record<AgentKind, string> = {
  echo: 'completes at once with its input (dry runs)',
  command: 'runs a program you name, without a shell; see resources/agents/PROTOCOL.md',
  http: 'POSTs the task to your service; see resources/agents/HTTP.md',
  llm: 'an OpenAI-compatible chat endpoint (Ollama, llama.cpp, LM Studio, vLLM, OpenAI)',
  coding: 'a coding CLI (Claude Code, Codex, opencode, qwen-code) in a git worktree of a workspace',
  human: "the task waits in that person's inbox (Approvals → My tasks)",
};

const ACP_HELP =
  'an agent that speaks the Agent Client Protocol (Claude Code, Codex, Gemini CLI, qwen-code, opencode, goose…) in a git worktree; Baton is its ACP client';

/** What of each sandboxed kind runs in its sandbox, as the fieldset's help says it. */
const SANDBOX_WHOSE: Partial<Record<AgentKind, string>> = {
  command: 'its program',
  llm: 'its tools (run_command, MCP servers)',
  coding: 'its CLI',
};

/** The sandbox's errors, by the fieldset's own field names. */
function sandboxErrors(errors: AgentFieldErrors): Partial<Record<SandboxField, string>> {
  return Object.fromEntries(
    Object.entries(errors)
      .filter(([k]) => k.startsWith('sandbox.'))
      .map(([k, v]) => [k.slice('sandbox.'.length), v]),
  );
}

/**
 * Adds an agent, or edits `editing` (its id fixed). Every field's error shows at once, in a
 * line kept free for it under the field, so nothing moves when errors appear. Shown in
 * `AgentFormDialog`, which holds the draft (to know whether a field changed, and ask before
 * Cancel drops it) and moves the focus into the form.
 */
export function AgentForm({
  editing,
  draft: d,
  setDraft: setD,
  onSkillTyping,
  onDone,
  onCancel,
}: {
  editing: Agent | null;
  /** The fields as typed. */
  draft: AgentDraft;
  setDraft: Dispatch<SetStateAction<AgentDraft>>;
  /** The skill being typed, not yet added. */
  onSkillTyping(text: string): void;
  /** After the agent was added or saved. */
  onDone(): void;
  onCancel(): void;
}) {
  const loadAgents = useBaton((s) => s.loadAgents);
  const notify = useBaton((s) => s.notify);
  const fail = useBaton((s) => s.fail);
  const facts = useRouteFacts();
  const [errors, setErrors] = useState<AgentFieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set =
    <K extends keyof AgentDraft>(k: K) =>
    (v: AgentDraft[K]) =>
      setD((prev) => ({ ...prev, [k]: v }));

  const submit = async () => {
    const checked = checkDraft(d, editing, facts);
    if (!checked.ok) return setErrors(checked.errors);
    setBusy(true);
    try {
      if (editing) await api.saveAgent(checked.agent);
      else await api.createAgent(checked.agent);
      setErrors({});
      notify('info', `${editing ? 'Saved' : 'Added'} agent ${checked.agent.id}`);
      await loadAgents();
      onDone();
    } catch (err) {
      const issues = contractIssues(err);
      if (issues.length > 0) setErrors(fieldErrorsOf(issues));
      else fail(editing ? `${editing.id} was not saved` : 'The agent was not added', err);
    } finally {
      setBusy(false);
    }
  };

  const title = editing ? `Edit agent ${editing.id}` : 'Add an agent';
  const field = (
    label: string,
    key: Exclude<keyof AgentDraft, 'kind' | 'skills' | 'callback' | 'more' | 'sandbox'>,
    error: string | undefined,
    placeholder?: string,
    hint?: string,
  ) => (
    <InputField
      label={label}
      value={d[key]}
      onChange={set(key)}
      error={error}
      hint={hint}
      placeholder={placeholder}
      reserveError
    />
  );
  return (
    <FormPanel title={title} className="agent-form" onSubmit={submit}>
      <div className="kind-row">
        <label>
          Kind
          <select value={d.kind} onChange={(e) => set('kind')(e.target.value as AgentKind)}>
            {AGENT_KINDS.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </label>
        {d.kind === 'coding' && <ProtocolField d={d} errors={errors} set={set} />}
        <p className="muted small">
          {d.kind === 'coding' && overAcp(d, facts) ? ACP_HELP : KIND_HELP[d.kind]}
        </p>
      </div>
      {d.kind === 'coding' && <CodingWarning />}
      <div className="fields">
        <InputField
          label="Id"
          value={d.id}
          onChange={set('id')}
          error={errors.id}
          placeholder="e.g. ash"
          readOnly={editing !== null}
          hint={editing ? 'An agent keeps its id.' : 'How plans and logs name it.'}
          reserveError
        />
        {d.kind === 'coding' && (
          <>
            <CliField d={d} errors={errors} set={set} />
            {d.cli === 'acp' && <AcpProgramFields d={d} errors={errors} set={set} />}
          </>
        )}
        {field('Name (optional)', 'name', errors.name, 'e.g. Ash the writer')}
        <SkillsField
          label="Skills"
          skills={d.skills}
          error={errors.skills ?? null}
          onChange={set('skills')}
          onTyping={onSkillTyping}
        />
        {field('Capacity', 'capacity', errors.max_concurrency, undefined, 'Tasks it works on at once.')}
        {field('Cost per task', 'cost', errors.cost_per_task, undefined, "Counted against a plan's budget.")}
        {d.kind === 'command' && (
          <>
            {field('Program', 'command', errors.command, 'node')}
            <label className="wide">
              Arguments (one per line; {'{task_id}'}, {'{context_file}'}, {'{resources}'}…)
              <textarea rows={2} value={d.args} onChange={(e) => set('args')(e.target.value)} />
              <span className="field-error">{errors.args}</span>
            </label>
          </>
        )}
        {d.kind === 'http' && (
          <>
            {field('URL', 'url', errors.url, 'https://agents.example/run')}
            {field(
              'Cancel URL (optional)',
              'cancel_url',
              errors.cancel_url,
              '/jobs/{delegation_task_id}/cancel',
            )}
            <label className="check">
              <input
                type="checkbox"
                checked={d.callback}
                onChange={(e) => set('callback')(e.target.checked)}
              />
              Offer a callback URL (else polled)
            </label>
          </>
        )}
        {d.kind === 'llm' && (
          <>
            {field('Base URL', 'base_url', errors.base_url)}
            {field('Model', 'model', errors.model, 'llama3.1')}
          </>
        )}
        {d.kind === 'coding' && <CodingFields d={d} errors={errors} set={set} />}
        {d.kind === 'coding' && overAcp(d, facts) && (
          <AcpToolPolicy
            d={d}
            errors={errors}
            onChange={(v) => setD((p) => ({ ...p, more: { ...p.more, [TOOL_POLICY_KEY]: v } }))}
          />
        )}
        {(d.kind === 'http' || d.kind === 'llm') &&
          field(
            'Secret name (never the value)',
            'secret',
            errors.secret,
            'e.g. openai.key',
            d.kind === 'http'
              ? "Sent as Authorization: Bearer <the secret's value>."
              : "The API key's secret, by name (Secrets, below).",
          )}
        <div className="wide">
          {field(
            'Charter: mission',
            'mission',
            errors.mission,
            'what this agent is for',
            'What it is for; sent to it with every task.',
          )}
        </div>
      </div>
      {SANDBOXED_KINDS.includes(d.kind) && (
        <SandboxFields
          draft={d.sandbox}
          errors={sandboxErrors(errors)}
          onChange={set('sandbox')}
          whose={SANDBOX_WHOSE[d.kind] ?? 'it'}
        />
      )}
      {editing && SANDBOXED_KINDS.includes(d.kind) && <AllowedHosts owner={{ agent: editing.id }} />}
      {editing && <AgentToolGrants agentId={editing.id} />}
      {d.kind === 'coding' && <CodingMore d={d} errors={errors} set={set} />}
      <AgentMoreFields d={d} errors={errors} set={set} setDraft={setD} />
      <FormActions error={errors.form} busy={busy} submit={editing ? 'Save agent' : 'Add agent'}>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </FormActions>
    </FormPanel>
  );
}
