/**
 * 020: `tool_call_approvals.input_schema`: the JSON Schema of the tool's arguments (as the tool
 * declared it), so arguments a person edits are checked against it; null when the asker did not
 * give one (a coding CLI's own tool, a call asked before this column).
 */
export const up = `
ALTER TABLE tool_call_approvals ADD COLUMN input_schema TEXT;
`;
