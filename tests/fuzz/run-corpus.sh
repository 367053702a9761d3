#!/bin/sh
# run-corpus.sh tests/fuzz/NAME.fuzz - replays the corpus of fuzz target NAME
# (tests/fuzz/corpus/NAME) through the target as built: with the replay
# driver, or as a libFuzzer binary (-runs=0 replays without mutating).
set -u
name=$(basename "$1" .fuzz)
bin=$top_builddir/tests/fuzz/fuzz_$name
corpus=$top_srcdir/tests/fuzz/corpus/$name
[ -x "$bin" ] || { echo "FAIL: $bin not built"; exit 1; }
[ -d "$corpus" ] || { echo "FAIL: no corpus $corpus"; exit 1; }
exec "$bin" -runs=0 "$corpus"
