#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer (clang 14 with AddressSanitizer and UBSan,
# from Debian): builds the `fuzz` preset, then runs each target in test/fuzz/ for
# OTRBOT_FUZZ_SECONDS (default 60) on a copy of its committed seed corpus, as many at once as
# there are cores. Prints runs and executions per second per target. Non-zero when any target
# crashes, leaks, hangs (10 s for one input) or runs out of memory; the input is kept under
# build/fuzz/crashes/<target>/ and named in the output: add it to test/fuzz/regressions/<target>/
# with the fix, and ctest replays it from then on.
#
#   scripts/fuzz.sh              every target for OTRBOT_FUZZ_SECONDS (60): what CI runs
#   scripts/fuzz.sh --long       every target to OTRBOT_FUZZ_RUNS executions (10,000,000), however
#                                long that takes at its speed (printed); the corpus grows in
#                                build/fuzz/corpus/ and is kept between runs
#   scripts/fuzz.sh --merge      adds to test/fuzz/corpus/<target>/ the inputs of build/fuzz/corpus/
#                                that add coverage (libFuzzer's -merge=1, edges only): commit them,
#                                and CI's 60 s start from there
# Targets may be named after the option (scripts/fuzz.sh --long catalog jid).
set -euo pipefail
cd "$(dirname "$0")/.."

mode=short
case "${1:-}" in
  --long) mode=long; shift ;;
  --merge) mode=merge; shift ;;
  --*) echo "fuzz.sh: unknown option $1 (--long, --merge)" >&2; exit 2 ;;
esac

scripts/install-deps.sh
seconds=${OTRBOT_FUZZ_SECONDS:-60}
runs=${OTRBOT_FUZZ_RUNS:-10000000}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)"

out=build/fuzz/runs
rm -rf "$out" build/fuzz/crashes
mkdir -p "$out"
targets=$(sed -n 's/^otrbot_fuzzer(\([a-z_0-9]*\) .*/\1/p' test/fuzz/CMakeLists.txt)
if [ $# -gt 0 ]; then
  for t in "$@"; do
    echo "$targets" | grep -qx "$t" || { echo "fuzz.sh: no target $t (targets: $(echo $targets))" >&2; exit 2; }
  done
  targets="$*"
fi

if [ "$mode" = merge ]; then
  for t in $targets; do
    [ -d "build/fuzz/corpus/$t" ] || { echo "== $t: no grown corpus in build/fuzz/corpus/$t"; continue; }
    before=$(find "test/fuzz/corpus/$t" -type f | wc -l)
    # -use_counters=0: an input is kept for an edge it adds, not for one more hit count of an
    # edge (with counters, web_token alone kept 1,668 inputs of 6.7 MB; without, 288 of 1.2 MB).
    build/fuzz/test/fuzz/fuzz_"$t" -merge=1 -use_counters=0 -timeout=10 -rss_limit_mb=2048 \
      "test/fuzz/corpus/$t" "build/fuzz/corpus/$t" >"$out/$t.merge.log" 2>&1
    echo "== $t: $before -> $(find "test/fuzz/corpus/$t" -type f | wc -l) inputs in test/fuzz/corpus/$t"
  done
  exit 0
fi

run_one() {
  local t=$1 limit=$2 out=$3
  local corpus=build/fuzz/corpus/$t crashes=build/fuzz/crashes/$t
  mkdir -p "$corpus" "$crashes"
  cp -n test/fuzz/corpus/"$t"/* "$corpus"/
  local started=$SECONDS
  if build/fuzz/test/fuzz/fuzz_"$t" "$limit" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$crashes"/ "$corpus" >"$out/$t.log" 2>&1; then
    echo ok >"$out/$t.status"
  else
    echo failed >"$out/$t.status"
  fi
  echo $((SECONDS - started)) >"$out/$t.seconds"
}
export -f run_one
if [ "$mode" = long ]; then
  limit=-runs=$runs
  echo "== fuzzing $(echo $targets | wc -w) targets to $runs executions each, $(nproc) at a time"
else
  limit=-max_total_time=$seconds
  echo "== fuzzing $(echo $targets | wc -w) targets for ${seconds} s each, $(nproc) at a time"
fi
echo $targets | tr ' ' '\n' | xargs -P "$(nproc)" -I{} bash -c 'run_one "$@"' _ {} "$limit" "$out"

failed=0
printf '%-16s %12s %10s %8s %8s %s\n' target runs execs/s seconds corpus result
for t in $targets; do
  executed=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t.log")
  size=$(find "build/fuzz/corpus/$t" -type f | wc -l)
  status=$(cat "$out/$t.status")
  printf '%-16s %12s %10s %8s %8s %s\n' "$t" "${executed:-?}" "${rate:-?}" "$(cat "$out/$t.seconds")" "$size" "$status"
  if [ "$status" != ok ]; then
    failed=1
    echo "---- $t: $(grep -m1 -E 'ERROR|runtime error|deadly signal|timeout' "$out/$t.log" || echo 'see the log')"
    grep -E '^(==[0-9]+==|    #[0-9]|SUMMARY|artifact_prefix|Test unit written)' "$out/$t.log" | head -30
    echo "     input kept in build/fuzz/crashes/$t/; full log: $out/$t.log"
  fi
done
exit $failed
