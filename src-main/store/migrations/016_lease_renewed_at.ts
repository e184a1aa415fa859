/**
 * 016: `runs.lease_renewed_at`: when the run's holder last took or renewed its lease (ms since the
 * epoch). A process that then died ran the run's attempts at least until that moment: an attempt
 * found interrupted is kept as ending at its last sign of life, not at its start.
 */
export const up = `
ALTER TABLE runs ADD COLUMN lease_renewed_at INTEGER;
`;
