/**
 * 044: a project's daily cap (`projects.daily_cap`, JSON `{ usd?, tokens? }`, null for none): the
 * most its plans' runs together may spend in a day, beside its budget across all time.
 */
export const up = `
ALTER TABLE projects ADD COLUMN daily_cap TEXT;
`;
