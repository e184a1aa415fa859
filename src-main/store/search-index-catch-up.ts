import type { Db } from './db.ts';

/** Each full-text index: its FTS table's columns, the rows it is made of, and their text's size. */
const INDEXES = {
  memory: {
    fts: 'memory_fts(rowid, content, tags)',
    cols: 'rowid, content, tags',
    table: 'memory_entries',
    id: 'rowid',
    size: 'coalesce(length(content), 0) + coalesce(length(tags), 0)',
  },
  audit: {
    fts: 'audit_fts(rowid, entity_id, why)',
    cols: 'id, entity_id, why',
    table: 'audit_entries',
    id: 'id',
    size: 'coalesce(length(why), 0)',
  },
  steps: {
    fts: 'step_fts(rowid, search_text)',
    cols: 'id, search_text',
    table: 'attempt_steps',
    id: 'id',
    size: 'coalesce(length(search_text), 0)',
  },
  task_logs: {
    fts: 'task_log_fts(rowid, text)',
    cols: 'id, text',
    table: 'task_logs',
    id: 'id',
    size: 'coalesce(length(text), 0)',
  },
} as const;
type IndexName = keyof typeof INDEXES;

/**
 * Characters of text an index takes in one chunk (besides its first row, always taken): the
 * full-text tokenizer's time goes with the text, not the rows. A 1,000-task run's build log is
 * ~80 kB; twenty of them in one chunk held the thread 75–85 ms under two clients' load.
 */
const CHUNK_TEXT = 128 * 1024;

/**
 * Brings the full-text indexes up to the rows written since their marks (`search_index_state`),
 * a chunk at a time: `limit` rows of each index at most, and past the first, only while the text
 * before a row is under `CHUNK_TEXT` characters (-1: all that is left). The chunk's last row is
 * found first, reading the rows' sizes in order until the chunk is full, so a chunk reads only
 * the rows it takes (one more at most); then the rows up to it are indexed and the mark set to
 * it. True when none are left. One transaction (BEGIN IMMEDIATE).
 */
export function createIndexCatchUp(db: Db): (limit: number) => boolean {
  const names = Object.keys(INDEXES) as IndexName[];
  const steps = names.map((name) => {
    const s = INDEXES[name];
    const mark = `(SELECT last_rowid FROM search_index_state WHERE name = '${name}')`;
    return {
      sizes: db
        .prepare<[number], [number, number]>(
          `SELECT ${s.id}, ${s.size} FROM ${s.table} WHERE ${s.id} > ${mark} ORDER BY ${s.id} LIMIT ?`,
        )
        .raw(),
      last: db.prepare<[], number | null>(`SELECT max(${s.id}) FROM ${s.table}`).pluck(),
      index: db.prepare<[number]>(
        `INSERT INTO ${s.fts} SELECT ${s.cols} FROM ${s.table} WHERE ${s.id} > ${mark} AND ${s.id} <= ? ORDER BY ${s.id}`,
      ),
      mark: db.prepare<[number]>(`UPDATE search_index_state SET last_rowid = ? WHERE name = '${name}'`),
    };
  });
  /**
   * The last row of the index's next chunk (null when none waits), and whether a row is left after
   * it (the one row past the chunk that is looked at).
   */
  const chunkOf = (step: (typeof steps)[number], limit: number): { end: number | null; more: boolean } => {
    if (limit < 0) return { end: step.last.get() ?? null, more: false };
    let end: number | null = null;
    let rows = 0;
    let text = 0;
    for (const [id, size] of step.sizes.iterate(limit + 1)) {
      if (rows === limit || (rows > 0 && text >= CHUNK_TEXT)) return { end, more: true };
      end = id;
      rows++;
      text += size;
    }
    return { end, more: false };
  };
  const chunk = db.transaction((limit: number): boolean => {
    let done = true;
    for (const step of steps) {
      const { end, more } = chunkOf(step, limit);
      if (end === null) continue;
      step.index.run(end);
      step.mark.run(end);
      if (more) done = false;
    }
    return done;
  });
  return (limit) => chunk.immediate(limit);
}
