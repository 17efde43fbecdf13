#!/usr/bin/env bash
# Runs every test: installs what is missing first, like ./upres does.
set -euo pipefail
UPRES_ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
export UPRES_ROOT
export UPRES_APT_EXTRA="${UPRES_APT_EXTRA:-} postgresql chromium"
# shellcheck source=scripts/setup.sh
. "$UPRES_ROOT/scripts/setup.sh"
cd "$UPRES_ROOT"
dotnet build Upres.slnx -c Release -nologo -v quiet -clp:ErrorsOnly
set +e
dotnet test Upres.slnx -c Release --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$UPRES_ROOT/artifacts/test.log"
rc=${PIPESTATUS[0]}
set -e
# Each failed test again with its message, so the end of a long log names it.
awk '/^ +Failed .+ \[[^]]+\]$/ {show=1; n=0; print "FAILED:" substr($0, index($0, "Failed") + 6); next}
     /^ +(Passed|Skipped) .+ \[[^]]+\]$/ || /^\[xUnit/ {show=0}
     show && n++ < 30' "$UPRES_ROOT/artifacts/test.log"
# One plain closing line for CI: totals over every test project.
awk '/^ +Passed: [0-9]+$/ {p+=$2} /^ +Failed: [0-9]+$/ {f+=$2} /^ +Skipped: [0-9]+$/ {s+=$2}
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$UPRES_ROOT/artifacts/test.log"
exit "$rc"
