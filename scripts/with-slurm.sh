#!/usr/bin/env bash
# Runs a command against a throw-away one-node Slurm cluster:
#   scripts/with-slurm.sh <command> [args...]
# Starts munged (as the munge user, its own key copy and socket), slurmctld and slurmd (one node
# `localhost`, 127.0.0.1 only, free ports, proctrack/linuxproc + task/none: no cgroups), all under
# a folder in /tmp with the config outside /etc (SLURM_CONF). Exports SLURM_CONF, runs the
# command (sbatch, squeue, scancel, ... reach the private cluster), and always stops the daemons
# and removes the folder. Exits with the command's exit code; 77 when slurm or munge is not
# installed (ctest treats it as skipped). Must run as root (the daemons' users).
set -euo pipefail

for b in munged slurmctld slurmd sbatch squeue scontrol; do
  if ! command -v "$b" >/dev/null && [[ ! -x /usr/sbin/$b ]]; then
    echo "with-slurm: $b not found: slurm-wlm and munge are not installed" >&2
    exit 77
  fi
done
if [[ $(id -u) -ne 0 ]] || ! id munge >/dev/null 2>&1; then
  echo "with-slurm: needs root and the munge user to start munged and the Slurm daemons" >&2
  exit 77
fi
if [[ $# -eq 0 ]]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi
PATH=$PATH:/usr/sbin

DIR=$(mktemp -d /tmp/huracan-slurm-XXXXXX)
chmod 755 "$DIR"
MUNGE=$DIR/munge
mkdir -p "$MUNGE" "$DIR/state" "$DIR/spool" "$DIR/log"
if [[ -r /etc/munge/munge.key ]]; then
  cp /etc/munge/munge.key "$MUNGE/munge.key"
else
  dd if=/dev/urandom of="$MUNGE/munge.key" bs=1024 count=1 status=none
fi
chown -R munge:munge "$MUNGE"
chmod 755 "$MUNGE"
chmod 400 "$MUNGE/munge.key"

PIDS=()
stop() {
  local pid
  for pf in "$DIR/slurmd.pid" "$DIR/slurmctld.pid" "$MUNGE/munged.pid"; do
    [[ -s "$pf" ]] || continue
    pid=$(cat "$pf")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$DIR"
}
trap stop EXIT INT TERM

fail() {
  echo "with-slurm: $1" >&2
  for f in "$MUNGE/munged.log" "$DIR"/log/*.log; do
    [[ -f "$f" ]] && { echo "--- $f" >&2; tail -20 "$f" >&2; }
  done
  exit 2
}

runuser -u munge -- munged --force --socket="$MUNGE/munge.socket" --key-file="$MUNGE/munge.key" \
  --pid-file="$MUNGE/munged.pid" --log-file="$MUNGE/munged.log" --seed-file="$MUNGE/munged.seed" ||
  fail "munged did not start"

# Two free ports in 26817..27016.
PORTS=()
for p in $(seq 26817 27016); do
  if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then PORTS+=("$p"); fi
  [[ ${#PORTS[@]} -eq 2 ]] && break
done
[[ ${#PORTS[@]} -eq 2 ]] || fail "no free ports"
CPUS=${HURACAN_SLURM_CPUS:-$(nproc)}

export SLURM_CONF=$DIR/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=huracan
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=${PORTS[0]}
SlurmdPort=${PORTS[1]}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE/munge.socket
CommunicationParameters=NoCtldInAddrAny,NoInAddrAny
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
KillWait=5
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=huracan Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

slurmctld -c -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -N localhost -f "$SLURM_CONF" || fail "slurmd did not start"
for _ in $(seq 1 100); do
  state=$(sinfo -h -N -o %t 2>/dev/null | head -1 || true)
  [[ $state == idle* ]] && break
  sleep 0.2
done
[[ ${state:-} == idle* ]] || fail "the node did not become idle (state '${state:-none}')"

set +e
"$@"
rc=$?
set -e
exit $rc
