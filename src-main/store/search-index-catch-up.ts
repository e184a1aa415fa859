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
 * The rows of an index above its mark, in order: `@limit` at most (-1: all) and, while `@text` is
 * not negative, only those whose text before them in the chunk is under `@text` characters.
 */
function pending(name: IndexName, cols: string): string {
  const s = INDEXES[name];
  return `SELECT ${cols} FROM (
      SELECT ${s.cols}, sum(${s.size}) OVER (ORDER BY ${s.id}) - (${s.size}) AS text_before
      FROM (SELECT ${s.cols} FROM ${s.table}
        WHERE ${s.id} > (SELECT last_rowid FROM search_index_state WHERE name = '${name}')
        ORDER BY ${s.id} LIMIT @limit))
    WHERE @text < 0 OR text_before < @text`;
}

/**
 * Brings the full-text indexes up to the rows written since their marks (`search_index_state`),
 * a chunk at a time: `limit` rows of each index at most, and `CHUNK_TEXT` characters (-1: all
 * that is left). True when none are left. One transaction (BEGIN IMMEDIATE).
 */
export function createIndexCatchUp(db: Db): (limit: number) => boolean {
  const names = Object.keys(INDEXES) as IndexName[];
  const steps = names.map((name) => {
    const s = INDEXES[name];
    return {
      index: db.prepare(`INSERT INTO ${s.fts} ${pending(name, s.cols)}`),
      mark: db.prepare(`UPDATE search_index_state
        SET last_rowid = coalesce((${pending(name, `max(${s.id})`)}), last_rowid)
        WHERE name = '${name}'`),
      left: db
        .prepare(`SELECT EXISTS (SELECT 1 FROM ${s.table}
          WHERE ${s.id} > (SELECT last_rowid FROM search_index_state WHERE name = '${name}'))`)
        .pluck(),
    };
  });
  const chunk = db.transaction((limit: number, text: number): boolean => {
    let done = true;
    for (const step of steps) {
      step.index.run({ limit, text });
      step.mark.run({ limit, text });
      if (done && step.left.get()) done = false;
    }
    return done;
  });
  return (limit) => chunk.immediate(limit, limit < 0 ? -1 : CHUNK_TEXT);
}
