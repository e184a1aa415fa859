/**
 * 035: `audit_entries.changes`: what a person changed, field by field (JSON: `[{field, from,
 * to}]`, secret values never in it), on the entries of changes people make to agents,
 * workspaces, plans, secrets, schedules, triggers, webhooks and settings; null on the engine's
 * transitions and on entries written before it.
 */
export const up = `
ALTER TABLE audit_entries ADD COLUMN changes TEXT;
`;
