/**
 * 049: `person_sessions.page_hash`: the hash of the key a signed-in page keeps in its own storage
 * and sends with the session's cookie (docs/security.md, "Sessions"). Cookies ignore ports: on a
 * plain-http address any server on the same host name (an agent's dev server) received the cookie
 * and called Baton as the person; it never sees the page's storage. Sessions made before have
 * none, and sign in again.
 */
export const up = `
ALTER TABLE person_sessions ADD COLUMN page_hash TEXT;
`;
