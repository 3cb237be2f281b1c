#!/usr/bin/env bash
# Submits the daily run to Slurm (docs/DEPLOY.md, "Slurm"): the training array of HURACAN_SHARDS
# tasks (train.sbatch), then the summary job (summary.sbatch) after the whole array. Pins the run
# id (HURACAN_RUN_ID, default the UTC date now) for both. Prints "ARRAY_JOB_ID SUMMARY_JOB_ID".
# Settings: those of train.sbatch, plus
#   HURACAN_SHARDS          array tasks (default 16)
#   HURACAN_CPUS_PER_TASK   CPUs (and worker processes) per task (default: train.sbatch's, 2)
#   HURACAN_SLURM_LOG_DIR   folder of the jobs' output files (default: the current folder)
#   HURACAN_SBATCH_ARGS     extra sbatch flags for both jobs, e.g. "--partition=batch --account=x"
# Extra arguments go to the array's sbatch, e.g. `submit.sh --array=0-15%4` (at most 4 at once).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

: "${DATABASE_URL:?DATABASE_URL is required}"
: "${HURACAN_ARCHIVE_URL:?HURACAN_ARCHIVE_URL is required}"
: "${HURACAN_DATA_DIR:?HURACAN_DATA_DIR is required}"
shards=${HURACAN_SHARDS:-16}
export HURACAN_RUN_ID=${HURACAN_RUN_ID:-$(date -u +%Y%m%d)}
export HURACAN_SHARDS=$shards
logs=${HURACAN_SLURM_LOG_DIR:-.}
cpus=()
[[ -n "${HURACAN_CPUS_PER_TASK:-}" ]] && cpus=(--cpus-per-task="$HURACAN_CPUS_PER_TASK")

# shellcheck disable=SC2086 # HURACAN_SBATCH_ARGS is a list of flags
array=$(sbatch --parsable --export=ALL --array=0-$((shards - 1)) "${cpus[@]}" \
  --output="$logs/huracan-train-%A_%a.out" ${HURACAN_SBATCH_ARGS:-} "$@" "$here/train.sbatch")
array=${array%%;*}
# shellcheck disable=SC2086
summary=$(sbatch --parsable --export=ALL --dependency=afterany:"$array" --kill-on-invalid-dep=yes \
  --output="$logs/huracan-summary-%j.out" ${HURACAN_SBATCH_ARGS:-} "$here/summary.sbatch")
summary=${summary%%;*}
echo "$array $summary"
