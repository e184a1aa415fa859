/**
 * 042: what Baton saw of an open pull request at its last look (`landings.pr_seen`, JSON: its
 * checks on the head commit, its reviewers' latest word), so a landing shows its checks passing
 * and its review waiting before any fix round, not only once one starts.
 */
export const up = `
ALTER TABLE landings ADD COLUMN pr_seen TEXT;
`;
