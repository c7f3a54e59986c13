#!/usr/bin/env bash
# The lecture-hall benchmark (not a test; CI does not run it): builds the release preset with
# the load generator, then runs scripts/bench.py: N simulated libotr students (C++, worker
# processes) through the whole lesson against the real bot and a private Prosody, with the
# libotr floor measured in the same run; then the LTI launch benchmark (scripts/bench-lti.sh).
# Usage: scripts/bench.sh [SCENARIO ...] [--pool N]
#   SCENARIO: lessons:N:RAMP_S | versus:N:RAMP_S (the bot, then the minimal single-threaded
#   tutor of test/bench/tutor.cpp in the same set-up, and the ratios) | idle:N | lti
#   | omemo[:N] (scripts/bench-omemo.py: N OMEMO and N OTR lessons of Python students, one after another, the bot's CPU and memory per lesson)
#   | soak:MINUTES:RATE (scripts/soak.py: RATE students a second for MINUTES, faults now and
#   then; the bot's RSS, descriptors, threads, store and WAL every 2 minutes; build/soak.png)
#   | chaos (scripts/chaos.py: 100 students per fault, the fault table and the invariants)
#   | instructions[:N[:M]] (scripts/bench-instructions.py: the bot's instructions per lesson and
#   per LTI 1.1 launch under valgrind's callgrind, beside libotr's floor; N lessons, M launches)
#   no scenario: lessons:100:10 lessons:300:10 lessons:1000:100 idle:1000 lti omemo:20
# The students' OTR keys are made once and kept in build/bench-keys.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" \
  --target otrbot otrbot_catalogs otrbot_bench_students otrbot_bench_floor \
  otrbot_bench_tutor
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(lessons:100:10 lessons:300:10 lessons:1000:100 idle:1000 lti omemo:20)
lti=0 omemo=() rest=() soaks=() chaos=0 counts=()
for a in "${args[@]}"; do
  case "$a" in
    lti) lti=1 ;;
    omemo) omemo+=(20) ;;
    omemo:*) omemo+=("${a#omemo:}") ;;
    soak:*:*) soaks+=("${a#soak:}") ;;
    chaos) chaos=1 ;;
    instructions) counts+=("20:200") ;;
    instructions:*) counts+=("${a#instructions:}") ;;
    *) rest+=("$a") ;;
  esac
done
if [ ${#rest[@]} -gt 0 ]; then
  /usr/bin/python3 scripts/bench.py "${rest[@]}"
fi
for n in "${omemo[@]}"; do
  /usr/bin/python3 scripts/bench-omemo.py "$PWD/build/release/actors/otrbot" --lessons "$n"
done
if [ "$lti" = 1 ]; then
  scripts/bench-lti.sh "$PWD/build/release/actors/otrbot"
fi
for s in "${soaks[@]}"; do
  /usr/bin/python3 scripts/soak.py --binary "$PWD/build/release/actors/otrbot" \
    --minutes "${s%%:*}" --rate "${s#*:}" --png "$PWD/build/soak.png"
done
for c in "${counts[@]}"; do
  n=${c%%:*} m=200
  [ "$c" = "${c#*:}" ] || m=${c#*:}
  /usr/bin/python3 scripts/bench-instructions.py --lessons "$n" --launches "$m"
done
if [ "$chaos" = 1 ]; then
  /usr/bin/python3 scripts/chaos.py --binary "$PWD/build/release/actors/otrbot"
fi
