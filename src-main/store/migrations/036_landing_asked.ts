/**
 * 036: what a person asked for when they landed a run or a task from the app or `baton land`
 * (`landings.asked`, JSON: the pull request's base, title and draft, and who asked), kept with
 * the landing so a landing cut short by a stop is taken up as it was asked, not as the plan says.
 */
export const up = `
ALTER TABLE landings ADD COLUMN asked TEXT;
`;
