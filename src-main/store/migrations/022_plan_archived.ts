/**
 * 022: `plans.archived_at`: when the plan was archived (hidden from the plan lists by default,
 * refused a new run), or null while it is not. A new version leaves it as it is.
 */
export const up = `
ALTER TABLE plans ADD COLUMN archived_at TEXT;
`;
