import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a fake `qwen` into `dir` for the real coding executor to run, and returns its path. It
^ * notes `<run> <task> <attempt>|<cwd>|<--resume id>|<files>` in $LOG and the prompt beside it
 * (`$LOG.<run>.<task>.<attempt>`), then acts as MODE_<attempt> (else MODE) says: `fail-empty`
 * exits 3 at once; otherwise it writes `work-<attempt>.txt`, prints its session (`sess-<task>`)
 * and then `fail` exits 3, `hang` sleeps $TAG (a `sleepTags` tag), anything else answers.
 */
export function writeFakeQwen(dir: string): string {
  const path = join(dir, 'qwen');
  writeFileSync(
    path,
    `#!/bin/sh
prev=""; resume=""; prompt=""
for a in "$@"; do
  [ "$prev" = "--resume" ] && resume="$a"
  [ "$prev" = "-p" ] && prompt="$a"
  prev="$a"
done
run=$(echo "$BATON_ATTEMPT" | cut -d/ -f3); task=$(echo "$BATON_ATTEMPT" | cut -d/ -f4); n=$(echo "$BATON_ATTEMPT" | cut -d/ -f5)
echo "$run $task $n|$PWD|$resume|$(ls | tr '\\n' ' ')" >> "$LOG"
printf '%s' "$prompt" > "$LOG.$run.$task.$n"
eval mode=\\"\\\${MODE_$n:-\\$MODE}\\"
[ "$mode" = "fail-empty" ] && exit 3
echo "$task, attempt $n of $run" > "work-$n.txt"
echo '{"type":"system","subtype":"init","session_id":"sess-'"$task"'","model":"m"}'
case "$mode" in
  fail) exit 3 ;;
  hang) exec sleep "$TAG" ;;
esac
echo '{"type":"result","subtype":"success","session_id":"sess-'"$task"'","is_error":false,"result":"Done.","usage":{"input_tokens":10,"output_tokens":5}}'
`,
  );
  chmodSync(path, 0o755);
  return path;
}
