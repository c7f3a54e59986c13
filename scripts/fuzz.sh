#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer (clang 14 with AddressSanitizer and UBSan,
# from Debian): builds the `fuzz` preset, then runs each target in test/fuzz/ for
# OTRBOT_FUZZ_SECONDS (default 60) on a copy of its committed seed corpus, as many at once as
# there are cores. Prints runs and executions per second per target. Non-zero when any target
# crashes, leaks, hangs (10 s for one input) or runs out of memory; the input is kept under
# build/fuzz/crashes/<target>/ and named in the output: add it to test/fuzz/regressions/<target>/
# with the fix, and ctest replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
seconds=${OTRBOT_FUZZ_SECONDS:-60}
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -j "$(nproc)"

out=build/fuzz/runs
rm -rf "$out" build/fuzz/crashes
mkdir -p "$out"
targets=$(sed -n 's/^otrbot_fuzzer(\([a-z_0-9]*\) .*/\1/p' test/fuzz/CMakeLists.txt)

run_one() {
  local t=$1 seconds=$2 out=$3
  local corpus=build/fuzz/corpus/$t crashes=build/fuzz/crashes/$t
  mkdir -p "$corpus" "$crashes"
  cp -n test/fuzz/corpus/"$t"/* "$corpus"/
  if build/fuzz/test/fuzz/fuzz_"$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$crashes"/ "$corpus" >"$out/$t.log" 2>&1; then
    echo ok >"$out/$t.status"
  else
    echo failed >"$out/$t.status"
  fi
}
export -f run_one
echo "== fuzzing $(echo "$targets" | wc -w) targets for ${seconds} s each, $(nproc) at a time"
echo "$targets" | xargs -P "$(nproc)" -I{} bash -c 'run_one "$@"' _ {} "$seconds" "$out"

failed=0
printf '%-16s %12s %10s %8s %s\n' target runs execs/s corpus result
for t in $targets; do
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/$t.log")
  size=$(find "build/fuzz/corpus/$t" -type f | wc -l)
  status=$(cat "$out/$t.status")
  printf '%-16s %12s %10s %8s %s\n' "$t" "${runs:-?}" "${rate:-?}" "$size" "$status"
  if [ "$status" != ok ]; then
    failed=1
    echo "---- $t: $(grep -m1 -E 'ERROR|runtime error|deadly signal|timeout' "$out/$t.log" || echo 'see the log')"
    grep -E '^(==[0-9]+==|    #[0-9]|SUMMARY|artifact_prefix|Test unit written)' "$out/$t.log" | head -30
    echo "     input kept in build/fuzz/crashes/$t/; full log: $out/$t.log"
  fi
done
exit $failed
