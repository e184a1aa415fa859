/**
 * 040: spend on one screen.
 *
 * `spend_slots`: the usage steps summed by the quarter hour they began in (UTC), per attempt (run, task,
 * attempt, best-of candidate), agent and model: tokens (input, output, cached), the USD known,
 * the model calls and how many of them had no cost (`unknown`). Kept by triggers on
 * `attempt_steps` in the transaction that stores a step (a step recorded again under its seq
 * replaces what it added), so the Spend screen sums a few rows an attempt instead of parsing
 * every usage step's JSON: 100,000 steps are a few thousand rows. Quarter hours, so that a day in
 * any time zone (offsets are whole quarters) is whole slots. Filled here from the steps already
 * stored. A step whose time cannot be read is counted in the slot its text starts with.
 *
 * `model_prices`: prices people set (USD per million tokens), each from the day it takes effect
 * (`effective_from`) and never for a call made before it was set (`set_at`): a call is priced
 * when it is made and its step keeps that cost; Baton's built-in table is under them.
 *
 * `budgets_reached`: each plan, run and project budget the first time what was charged to it
 * reached it (for that amount: a budget raised and reached again is a new row); `budget.reached`
 * is told once, from the audit entry written with it.
 */
/** The quarter hour (UTC) a step began in, `2026-01-31T09:45`: every time zone's days are whole quarters. */
const slot = (at: string) =>
  `coalesce(strftime('%Y-%m-%dT%H:', ${at}) || printf('%02d', CAST(strftime('%M', ${at}) AS INTEGER) / 15 * 15), substr(${at}, 1, 16))`;
const num = (t: string, f: string, type: 'INTEGER' | 'REAL') =>
  `coalesce(CAST(json_extract(${t}.body, '$.${f}') AS ${type}), 0)`;
const cost = (t: string) => `CAST(json_extract(${t}.body, '$.cost_usd') AS REAL)`;
const key = (t: string) =>
  `${slot(`${t}.at`)}, ${t}.run_id, ${t}.task_id, ${t}.attempt,
   coalesce(CAST(json_extract(${t}.body, '$.candidate') AS INTEGER), 0), coalesce(${t}.agent_id, ''),
   coalesce(CAST(json_extract(${t}.body, '$.model') AS TEXT), '')`;
const keyMatch = (t: string) =>
  `slot = ${slot(`${t}.at`)} AND run_id = ${t}.run_id AND task_id = ${t}.task_id AND attempt = ${t}.attempt
   AND candidate = coalesce(CAST(json_extract(${t}.body, '$.candidate') AS INTEGER), 0)
   AND agent_id = coalesce(${t}.agent_id, '')
   AND model = coalesce(CAST(json_extract(${t}.body, '$.model') AS TEXT), '')`;
const add = (
  t: string,
) => `INSERT INTO spend_slots (slot, run_id, task_id, attempt, candidate, agent_id, model,
     input_tokens, output_tokens, cached_input_tokens, usd, calls, unknown)
   VALUES (${key(t)}, ${num(t, 'input_tokens', 'INTEGER')}, ${num(t, 'output_tokens', 'INTEGER')},
     ${num(t, 'cached_input_tokens', 'INTEGER')}, coalesce(${cost(t)}, 0), 1, ${cost(t)} IS NULL)
   ON CONFLICT (slot, run_id, task_id, attempt, candidate, agent_id, model) DO UPDATE SET
     input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
     cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens, usd = usd + excluded.usd,
     calls = calls + 1, unknown = unknown + excluded.unknown;`;
const take = (t: string, guard = '') => `UPDATE spend_slots SET
     input_tokens = input_tokens - ${num(t, 'input_tokens', 'INTEGER')},
     output_tokens = output_tokens - ${num(t, 'output_tokens', 'INTEGER')},
     cached_input_tokens = cached_input_tokens - ${num(t, 'cached_input_tokens', 'INTEGER')},
     usd = usd - coalesce(${cost(t)}, 0), calls = calls - 1, unknown = unknown - (${cost(t)} IS NULL)
   WHERE ${guard}${keyMatch(t)};
   DELETE FROM spend_slots WHERE ${guard}${keyMatch(t)} AND calls <= 0;`;

export const up = `
CREATE TABLE spend_slots (
  slot TEXT NOT NULL,
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  task_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  candidate INTEGER NOT NULL,
  agent_id TEXT NOT NULL,
  model TEXT NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cached_input_tokens INTEGER NOT NULL,
  usd REAL NOT NULL,
  calls INTEGER NOT NULL,
  unknown INTEGER NOT NULL,
  PRIMARY KEY (slot, run_id, task_id, attempt, candidate, agent_id, model)
) STRICT, WITHOUT ROWID;
CREATE INDEX spend_slots_run ON spend_slots(run_id);
CREATE INDEX spend_slots_who ON spend_slots(agent_id, model);

INSERT INTO spend_slots (slot, run_id, task_id, attempt, candidate, agent_id, model,
  input_tokens, output_tokens, cached_input_tokens, usd, calls, unknown)
SELECT ${key('s')}, sum(${num('s', 'input_tokens', 'INTEGER')}), sum(${num('s', 'output_tokens', 'INTEGER')}),
  sum(${num('s', 'cached_input_tokens', 'INTEGER')}), coalesce(sum(${cost('s')}), 0), count(*),
  count(*) - count(${cost('s')})
FROM attempt_steps s WHERE s.kind = 'usage' GROUP BY 1, 2, 3, 4, 5, 6, 7;

CREATE TRIGGER spend_slots_ai AFTER INSERT ON attempt_steps WHEN new.kind = 'usage' BEGIN
  ${add('new')}
END;
CREATE TRIGGER spend_slots_au AFTER UPDATE OF kind, at, agent_id, body ON attempt_steps
WHEN old.kind = 'usage' OR new.kind = 'usage' BEGIN
  ${take('old', "old.kind = 'usage' AND ")}
  INSERT INTO spend_slots (slot, run_id, task_id, attempt, candidate, agent_id, model,
     input_tokens, output_tokens, cached_input_tokens, usd, calls, unknown)
  SELECT ${key('new')}, ${num('new', 'input_tokens', 'INTEGER')}, ${num('new', 'output_tokens', 'INTEGER')},
     ${num('new', 'cached_input_tokens', 'INTEGER')}, coalesce(${cost('new')}, 0), 1, ${cost('new')} IS NULL
  WHERE new.kind = 'usage'
  ON CONFLICT (slot, run_id, task_id, attempt, candidate, agent_id, model) DO UPDATE SET
     input_tokens = input_tokens + excluded.input_tokens, output_tokens = output_tokens + excluded.output_tokens,
     cached_input_tokens = cached_input_tokens + excluded.cached_input_tokens, usd = usd + excluded.usd,
     calls = calls + 1, unknown = unknown + excluded.unknown;
END;
CREATE TRIGGER spend_slots_ad AFTER DELETE ON attempt_steps WHEN old.kind = 'usage' BEGIN
  ${take('old')}
END;

CREATE TABLE model_prices (
  model TEXT NOT NULL,
  effective_from TEXT NOT NULL,
  input_per_mtok REAL NOT NULL,
  output_per_mtok REAL NOT NULL,
  cached_input_per_mtok REAL,
  set_at TEXT NOT NULL,
  set_by TEXT NOT NULL,
  PRIMARY KEY (model, effective_from)
) STRICT;

CREATE TABLE budgets_reached (
  scope TEXT NOT NULL,
  scope_id TEXT NOT NULL,
  budget REAL NOT NULL,
  spent REAL NOT NULL,
  run_id TEXT,
  at TEXT NOT NULL,
  PRIMARY KEY (scope, scope_id, budget)
) STRICT;
`;
