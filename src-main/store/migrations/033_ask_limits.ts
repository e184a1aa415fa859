/**
 * 033: what an attempt asks is bounded. `sandbox_host_more`: the hosts of a summary question
 * (`sandbox_host`, one per attempt), which holds every host an attempt was refused past its open
 * questions; the approval's own row names the first.
 */
export const up = `
CREATE TABLE sandbox_host_more (
  approval_id TEXT NOT NULL REFERENCES approvals(id) ON DELETE CASCADE,
  host TEXT NOT NULL,
  PRIMARY KEY (approval_id, host)
) STRICT;
CREATE INDEX sandbox_host_more_host ON sandbox_host_more(host);
`;
