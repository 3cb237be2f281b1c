#!/usr/bin/env bash
# The daily run on a one-node Slurm cluster (ctest training.slurm, label `slurm`; docs/DEPLOY.md):
#   scripts/with-postgres.sh scripts/with-s3.sh scripts/with-slurm.sh tests/slurm/daily_run_e2e.sh BIN
# Submits deploy/slurm/submit.sh (a 4-task array over the 12 shared 1m coins, then the summary
# job) against PostgreSQL and the S3 test server, and checks that every symbol was trained exactly
# once, the ledger is complete, every champion pointer verifies and the summary covers every
# symbol, whichever task trained it (a task that has finished its shard steals other shards'
# symbols). Then a second run with one task killed mid-way (it hangs on one coin through the test
# hook and is scancel'ed; the other tasks may steal its untouched symbols), resubmitted: the retry
# skips the symbols already done. Exit 77 (skip) when ../shared/data/candles/1m is absent.
set -euo pipefail

BIN=${1:?usage: $0 HURACAN_BINARY}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=${HURACAN_SLURM_DATA:-$ROOT/../shared/data/candles/1m}
if ! compgen -G "$DATA/*_1m_*.parquet" >/dev/null; then
  echo "daily_run_e2e: $DATA has no 1m candle files (../shared not present): skipping" >&2
  exit 77
fi
: "${DATABASE_URL:?run under scripts/with-postgres.sh}" "${HURACAN_TEST_S3_URL:?run under scripts/with-s3.sh}"
: "${SLURM_CONF:?run under scripts/with-slurm.sh}"

WORK=$(mktemp -d /tmp/huracan-slurm-e2e-XXXXXX)
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT
echo '{"min_trades":0,"min_days":0,"min_psr":0,"max_drawdown":1,"sharpe_margin":0.1,"min_first_net_sharpe":-1000000}' \
  >"$WORK/rules.json"

export HURACAN_BIN=$BIN HURACAN_DATA_DIR=$DATA HURACAN_ARCHIVE_URL=$HURACAN_TEST_S3_URL/slurm-$$
export HURACAN_SHARDS=4 HURACAN_CPUS_PER_TASK=1 HURACAN_SLURM_LOG_DIR=$WORK
export HURACAN_TRAIN_ARGS="--engines trend_ma --history-days ${HURACAN_SLURM_HISTORY_DAYS:-10} --retries 0 --promotion-rules $WORK/rules.json"
SUBMIT=$ROOT/deploy/slurm/submit.sh
NCOINS=$(ls "$DATA"/*_1m_*.parquet | wc -l)
START=$(date +%s)

fail() {
  echo "daily_run_e2e: FAIL: $*" >&2
  for f in "$WORK"/*.out; do
    [[ -f "$f" ]] && { echo "--- $(basename "$f")" >&2; tail -15 "$f" >&2; }
  done
  exit 1
}
sql() { psql "$DATABASE_URL" -At -v ON_ERROR_STOP=1 -c "$1"; }
# Waits until none of the given jobs is pending or running.
wait_jobs() {
  for _ in $(seq 1 1200); do
    [[ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ]] && return 0
    sleep 1
  done
  fail "jobs $1 still running after 20 min"
}
expect() {  # expect WHAT GOT WANT
  [[ "$2" == "$3" ]] || fail "$1: got '$2', want '$3'"
  echo "daily_run_e2e: ok: $1 = $3"
}
# Every symbol of a run: one done ledger row and one models row.
check_run() {
  local run=$1
  expect "$run ledger rows" "$(sql "SELECT count(*) FROM run_ledger WHERE run_id = '$run'")" "$NCOINS"
  expect "$run ledger done" "$(sql "SELECT count(*) FROM run_ledger WHERE run_id = '$run' AND status = 'done'")" "$NCOINS"
  local like="%\"run_id\":\"$run\"%"
  expect "$run models rows" "$(sql "SELECT count(*) FROM models WHERE params LIKE '$like'")" "$NCOINS"
  expect "$run symbols with a model" "$(sql "SELECT count(DISTINCT symbol) FROM models WHERE params LIKE '$like'")" "$NCOINS"
  # The summary job's file covers every symbol, each done.
  local date="${run:0:4}-${run:4:2}-${run:6:2}"
  "$BIN" summary --json --date "$date" --archive "$HURACAN_ARCHIVE_URL" >"$WORK/summary-$run.json" ||
    fail "$run: no summary"
  expect "$run summary symbols done" "$(node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(s.run_id === process.argv[2] ? s.symbols.filter((x) => x.status === "done").length : -1);' \
    "$WORK/summary-$run.json" "$run")" "$NCOINS"
}

# 1. A clean run: 4 tasks, then the summary job.
R1=20251108
read -r ARRAY SUMMARY < <(HURACAN_RUN_ID=$R1 "$SUBMIT")
echo "daily_run_e2e: run $R1: array $ARRAY, summary $SUMMARY"
wait_jobs "$ARRAY,$SUMMARY"
for i in 0 1 2 3; do
  grep -q "shard $i/4" "$WORK/huracan-train-${ARRAY}_$i.out" || fail "task $i did not train shard $i/4"
done
grep -q "$NCOINS of $NCOINS symbols done" "$WORK/huracan-summary-$SUMMARY.out" || fail "summary job: not every symbol done"
check_run $R1
# Work stealing (docs/DEPLOY.md) moves symbols between tasks; the exactly-once checks above and
# below hold whichever task trained a symbol. For the log: how many were stolen.
stolen=$(cat "$WORK"/huracan-train-"${ARRAY}"_*.out | grep -c "stolen from another shard" || true)
echo "daily_run_e2e: run $R1: $stolen symbol(s) trained by another shard's task (work stealing)"
expect "$R1 attempts" "$(sql "SELECT sum(attempts) FROM run_ledger WHERE run_id = '$R1'")" "$NCOINS"
"$BIN" champion list --archive "$HURACAN_ARCHIVE_URL" >"$WORK/champions.txt" || fail "champion list: a pointer fails to verify"
expect "champion pointers" "$(tail -n +2 "$WORK/champions.txt" | wc -l)" "$NCOINS"
for sym in $(tail -n +2 "$WORK/champions.txt" | awk '{print $1}'); do
  "$BIN" champion show "$sym" --archive "$HURACAN_ARCHIVE_URL" >/dev/null || fail "champion show $sym"
done
echo "daily_run_e2e: ok: every champion pointer verifies"
T1=$(($(date +%s) - START))

# 2. A second run: the task that trains SOLUSDT hangs on it and is killed; then the array is
# submitted again and must train only what is not done.
R2=20251109
HANG=SOLUSDT
read -r ARRAY SUMMARY < <(HURACAN_RUN_ID=$R2 HURACAN_TEST_HANG_SYMBOL=$HANG "$SUBMIT")
task=""
for _ in $(seq 1 600); do
  f=$(grep -l "$HANG started" "$WORK"/huracan-train-"${ARRAY}"_*.out 2>/dev/null | head -1 || true)
  if [[ -n "$f" ]]; then
    task=${f##*_}
    task=${task%.out}
    break
  fi
  sleep 1
done
[[ -n "$task" ]] || fail "no task started $HANG"
scancel "${ARRAY}_$task"
echo "daily_run_e2e: killed task $task of array $ARRAY while it trained $HANG"
wait_jobs "$ARRAY,$SUMMARY"
expect "$R2 $HANG after the kill" "$(sql "SELECT status FROM run_ledger WHERE run_id = '$R2' AND symbol = '$HANG'")" running
DONE_BEFORE=$(sql "SELECT count(*) FROM run_ledger WHERE run_id = '$R2' AND status = 'done'")
[[ $DONE_BEFORE -lt $NCOINS ]] || fail "every symbol done despite the kill"
# The symbols done before the retry, with their attempts: the retry must not touch them.
attempts_of() {
  sql "SELECT string_agg(symbol || ':' || attempts, ',' ORDER BY symbol) FROM run_ledger WHERE run_id = '$R2' AND $1"
}
DONE_LIST=$(sql "SELECT string_agg(quote_literal(symbol), ',') FROM run_ledger WHERE run_id = '$R2' AND status = 'done'")
ATTEMPTS_BEFORE=$(attempts_of "symbol IN ($DONE_LIST)")

read -r ARRAY SUMMARY < <(HURACAN_RUN_ID=$R2 "$SUBMIT")
echo "daily_run_e2e: run $R2 resubmitted: array $ARRAY, summary $SUMMARY ($DONE_BEFORE of $NCOINS done before)"
wait_jobs "$ARRAY,$SUMMARY"
check_run $R2
skipped=0
for i in 0 1 2 3; do
  n=$(sed -n 's/.* done (\([0-9]*\) already done before).*/\1/p' "$WORK/huracan-train-${ARRAY}_$i.out")
  skipped=$((skipped + ${n:-0}))
done
expect "$R2 symbols the retry skipped" "$skipped" "$DONE_BEFORE"
expect "$R2 attempts of the symbols done before the retry" "$(attempts_of "symbol IN ($DONE_LIST)")" "$ATTEMPTS_BEFORE"
expect "$R2 $HANG attempts" "$(sql "SELECT attempts FROM run_ledger WHERE run_id = '$R2' AND symbol = '$HANG'")" 2
"$BIN" champion list --archive "$HURACAN_ARCHIVE_URL" >/dev/null || fail "champion list after the retry"
echo "daily_run_e2e: passed in $(($(date +%s) - START)) s (clean run ${T1} s)"
