/**
 * 028: a pull request's fix rounds on `landings`: how many times its agent went back to work
 * (`fix_rounds`), what it is fixing now (`fix`, JSON, recorded before the agent starts so a
 * restart takes it up rather than starting it twice), and what was answered already (`handled`,
 * a JSON list of `checks:<sha>` and `review:<id>`, so nothing is answered twice).
 */
export const up = `
ALTER TABLE landings ADD COLUMN fix_rounds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE landings ADD COLUMN fix TEXT;
ALTER TABLE landings ADD COLUMN handled TEXT NOT NULL DEFAULT '[]';
`;
