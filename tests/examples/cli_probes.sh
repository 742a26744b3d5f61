#!/usr/bin/env bash
# Bad-input probes of the example programs' command lines.
#
#   tests/examples/cli_probes.sh BUILD_DIR            test mode (ctest): exit 0 when every probe passes
#   tests/examples/cli_probes.sh BUILD_DIR --table    print a Markdown table (tools/probe_inputs.sh)
#
# Each bad invocation runs in a fresh empty folder (its cwd; "--out out" is inside it) and must
# exit 2, name the offending option on stderr, and write nothing (the folder stays empty). Each
# program's --help must exit 0 and list its options; two tiny valid runs (grokking and sorting, one
# update each) must still succeed. Programs not built (sample_mpi_gp without MPI) are skipped, and
# so are probes that need Fashion-MNIST when it is not installed.
# PROBE_TIMEOUT (seconds, default 20) bounds every run.
set -u
if [[ $# -lt 1 || ! -d $1 ]]; then
  echo "usage: $0 BUILD_DIR [--table]" >&2
  exit 2
fi
bin=$(cd "$1" && pwd)/examples
mode=${2:-test}
limit=${PROBE_TIMEOUT:-20}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
fashion=/usr/share/datasets/fashion-mnist

n=0 failed=0 skipped=0
declare -a rows=()

# The command line as a reader would type it ('' for an empty argument).
show() {
  local s="" a
  for a in "$@"; do
    if [[ -z $a ]]; then a="''"
    elif [[ $a =~ [^A-Za-z0-9_.,+/=:@%-] ]]; then a="'$a'"; fi
    s+="${s:+ }$a"
  done
  printf '%s' "$s"
}

# run PROGRAM ARGS...: runs in a fresh empty folder; sets rc, err (stderr), out (stdout), dir and
# wrote (files and folders left in it).
run() {
  local prog=$1
  shift
  n=$((n + 1))
  dir=$tmp/p$n
  mkdir -p "$dir"
  (cd "$dir" && exec timeout "$limit" "$bin/$prog" "$@" >"$tmp/stdout" 2>"$tmp/stderr")
  rc=$?
  out=$(cat "$tmp/stdout")
  err=$(cat "$tmp/stderr")
  wrote=$(cd "$dir" && find . -mindepth 1 | wc -l)
}

# bad PROGRAM OPTION ARGS...: a usage error naming OPTION, nothing written.
bad() {
  local prog=$1 option=$2
  shift 2
  local cmd
  cmd="$prog $(show "$@")"
  cmd=${cmd% }
  if [[ ! -x $bin/$prog ]]; then
    skipped=$((skipped + 1))
    rows+=("| \`$cmd\` | skipped: $prog not built | - |")
    return
  fi
  run "$prog" "$@"
  local why=() first
  ((rc == 2)) || why+=("exit $rc, expected 2")
  [[ $err == *"$option"* ]] || why+=("stderr does not name $option")
  ((wrote == 0)) || why+=("wrote $wrote path(s)")
  first=$(printf '%s\n' "$err" | grep -v '^Run with --help' | grep -v '^ *$' | head -1)
  first=${first//|/\\|}
  ((${#first} > 110)) && first="${first:0:107}..."
  local result
  case $rc in
    2) result="exit 2: $first" ;;
    124 | 137) result="still running after ${limit} s (killed)" ;;
    0) result="exit 0 (accepted)" ;;
    *) result="exit $rc${first:+: $first}" ;;
  esac
  ((wrote > 0)) && result+="; wrote $wrote path(s)"
  if ((${#why[@]} == 0)); then
    rows+=("| \`$cmd\` | $result | yes |")
  else
    failed=$((failed + 1))
    rows+=("| \`$cmd\` | $result | **no** |")
    [[ $mode == --table ]] || printf 'FAIL: %s: %s\n' "$cmd" "$(IFS=';'; echo "${why[*]}")" >&2
  fi
}

# good PROGRAM 'NEEDLE...' ARGS...: exit 0 and every needle in stdout+stderr (a needle with a '/'
# is a path that must exist afterwards).
good() {
  local prog=$1 needles=$2
  shift 2
  [[ $mode == --table ]] && return
  local cmd="$prog $(show "$@")"
  if [[ ! -x $bin/$prog ]]; then
    skipped=$((skipped + 1))
    return
  fi
  run "$prog" "$@"
  local why=() w
  ((rc == 0)) || why+=("exit $rc, expected 0: $(printf '%s\n' "$err" | tail -2)")
  for w in $needles; do
    if [[ $w == */* ]]; then
      [[ -e $dir/$w ]] || why+=("no $w written")
    else
      [[ "$out$err" == *"$w"* ]] || why+=("output lacks $w")
    fi
  done
  if ((${#why[@]})); then
    failed=$((failed + 1))
    printf 'FAIL: %s: %s\n' "$cmd" "$(IFS=';'; echo "${why[*]}")" >&2
  fi
}

# mismatch PROGRAM 'FIRST ARGS' 'KEY...' ARGS...: a run with FIRST ARGS into out/, then one with ARGS
# into the same folder must be refused (exit 1) naming every KEY of the run's identity, and leave
# the folder byte for byte as it was (no silent reuse, no mixed results).
mismatch() {
  local prog=$1 first=$2 keys=$3
  shift 3
  local cmd="$prog $(show "$@")  (after: $prog $first)"
  if [[ ! -x $bin/$prog ]]; then
    skipped=$((skipped + 1))
    rows+=("| \`$cmd\` | skipped: $prog not built | - |")
    return
  fi
  run "$prog" $first
  local why=() k before after
  ((rc == 0)) || why+=("first run exit $rc")
  before=$(cd "$dir" && find . -type f -exec md5sum {} + | sort)
  n=$((n + 1))
  (cd "$dir" && exec timeout "$limit" "$bin/$prog" "$@" >"$tmp/stdout" 2>"$tmp/stderr")
  rc=$?
  err=$(cat "$tmp/stderr")
  after=$(cd "$dir" && find . -type f -exec md5sum {} + | sort)
  ((rc == 1)) || why+=("exit $rc, expected 1")
  for k in $keys; do [[ $err == *"$k: recorded"* ]] || why+=("stderr does not name $k"); done
  [[ $before == "$after" ]] || why+=("the folder changed")
  local first_line
  first_line=$(printf '%s\n' "$err" | grep -E ': recorded' | head -3 | sed 's/^ *//' | paste -sd ';' -)
  first_line=${first_line//|/\\|}
  if ((${#why[@]} == 0)); then
    rows+=("| \`$cmd\` | exit 1, nothing changed: $first_line | yes |")
  else
    failed=$((failed + 1))
    rows+=("| \`$cmd\` | exit $rc: $(IFS=';'; echo "${why[*]}") | **no** |")
    [[ $mode == --table ]] || printf 'FAIL: %s: %s\n' "$cmd" "$(IFS=';'; echo "${why[*]}")" >&2
  fi
}

# ---- grokking ------------------------------------------------------------------------------------
bad grokking --steps --steps abc --out out
bad grokking --steps --steps 1e3 --out out
bad grokking --steps --steps 3abc --out out
bad grokking --steps --steps 0 --out out
bad grokking --steps --steps -5 --out out
bad grokking --steps --out out --steps
bad grokking --p --p 4294967349 --out out
bad grokking --p --p 1 --out out
bad grokking --p --preset power --p 96 --out out
bad grokking --seed --seed -1 --out out
bad grokking --seed --seed 18446744073709551616 --out out
bad grokking --train-fraction --train-fraction nan --out out
bad grokking --train-fraction --train-fraction 1 --out out
bad grokking --train-fraction --p 2 --train-fraction 0.2 --out out
bad grokking --eval-every --eval-every 0 --out out
bad grokking --preset --preset bogus --out out
bad grokking --out --out ''
bad grokking --stepz --stepz 5 --out out
bad grokking --restart --restart --plot-only --out out
# ---- sorting -------------------------------------------------------------------------------------
bad sorting --hint-probability --hint-probability nan --out out
bad sorting --hint-probability --hint-probability -0.5 --out out
bad sorting --hint-probability --hint-probability 1.5 --out out
bad sorting --hint-probability --hint-probability inf --out out
bad sorting --hint-form --hint-form bogus --out out
bad sorting --conditions --conditions standard,bogus --out out
bad sorting --conditions --conditions '' --out out
bad sorting --conditions --conditions standard,standard --out out
bad sorting --conditions --conditions tempered+log_n --out out
bad sorting --seeds --seeds 0,x --out out
bad sorting --seeds --seeds 0,-1 --out out
bad sorting --seeds --seeds 0,,1 --out out
bad sorting --seeds --seeds 0,0 --out out
bad sorting --steps --steps 1e3 --out out
bad sorting --batch-size --batch-size 0 --out out
bad sorting --values --values 1 --out out
bad sorting --max-length --max-length 10 --out out
bad sorting --max-length --no-repeats --max-length 100 --out out
bad sorting --preset --preset bogus --out out
bad sorting --conditions --conditions standard@additive --out out
bad sorting --conditions --conditions successor@bogus --out out
bad sorting --hint-probability --conditions successor@additive --hint-probability 1 --out out
bad sorting --hint-probability --conditions successor@additive --hint-probability 0.001 --out out
bad sorting --out --out ''
# ---- splits_export -------------------------------------------------------------------------------
bad splits_export --task --task bogus --out out
bad splits_export --hints --task count --hints --out out
bad splits_export --seed --seed -1 --out out
bad splits_export --seed --seed abc --out out
bad splits_export --out --out ''
bad splits_export --bogus --bogus --out out
# ---- quickstart ----------------------------------------------------------------------------------
bad quickstart --seed --seed -1 --out out
bad quickstart --seed --seed 3abc --out out
bad quickstart --out --out ''
# ---- bias_fashion_mnist --------------------------------------------------------------------------
bad bias_fashion_mnist --queries out.json --queries abc
bad bias_fashion_mnist --hypotheses out.json --hypotheses 2
bad bias_fashion_mnist --queries out.json --queries 1
bad bias_fashion_mnist --delta-samples out.json --delta-samples 19
bad bias_fashion_mnist --evt-pairs out.json --evt-pairs 10
bad bias_fashion_mnist --data out.json --data no-such-folder
bad bias_fashion_mnist --querys out.json --querys 5
if [[ -d $fashion ]]; then
  bad bias_fashion_mnist --gp-train out.json --gp-train 70000
fi
# ---- nn_sort_demo, sample_mpi_gp -----------------------------------------------------------------
bad nn_sort_demo --steps --steps 5
bad nn_sort_demo out2 out out2
bad sample_mpi_gp hypotheses abc
bad sample_mpi_gp hypotheses -1
bad sample_mpi_gp hypotheses 0

# ---- resuming a results folder with other settings -----------------------------------------------
tiny_grok="--steps 2 --eval-every 1 --p 7 --quiet --out out"
mismatch grokking "$tiny_grok" "data.train_fraction seed data_fingerprint" \
  --steps 2 --eval-every 1 --p 7 --quiet --out out --train-fraction 0.4 --seed 3
mismatch grokking "$tiny_grok" "steps" --steps 3 --eval-every 1 --p 7 --quiet --out out
mismatch grokking "$tiny_grok" "scalar" $tiny_grok --double
tiny_sort="--steps 101 --batch-size 1 --max-length 20 --eval-size 1 --seeds 0 --conditions standard --train-size 10 --quiet --out out"
mismatch sorting "$tiny_sort" "steps optimizer.total_steps" \
  --steps 150 --batch-size 1 --max-length 20 --eval-size 1 --seeds 0 --conditions standard --train-size 10 --quiet --out out
mismatch sorting "$tiny_sort --conditions successor" "condition.hint_probability" $tiny_sort --conditions successor \
  --hint-probability 0.3

# ---- what must keep working ----------------------------------------------------------------------
good grokking "--preset --steps --seed --p --train-fraction --eval-every --out --double --plot-only --no-resume --restart --quiet" --help
good sorting "--preset --conditions --seeds --steps --batch-size --max-length --eval-size --values --train-size --hint-probability --hint-form --no-repeats --out --double --no-resume --restart --quiet" --help
good splits_export "--out --seed --task --hints --quick" --help
good quickstart "--out --seed --quiet" --help
good bias_fashion_mnist "--queries --delta-samples --evt-pairs --gp-train --gp-test --hypotheses --seed --data" --help
good nn_sort_demo "out_dir" --help
good sample_mpi_gp "hypotheses" --help
good grokking "out/config.json out/metrics.csv" --steps 1 --eval-every 1 --p 7 --quiet --out out
good sorting "out/config.json out/summary.json" --steps 1 --batch-size 1 --max-length 20 --eval-size 1 --seeds 0 \
  --conditions standard --train-size 10 --quiet --out out
good sorting "out/summary.json baseline out/successor@additive/seed_0/run.json" --preset values1000 --steps 101 \
  --batch-size 2 --max-length 20 --eval-size 1 --seeds 0 --conditions standard,successor@additive --train-size 10 --quiet --out out

if [[ $mode == --table ]]; then
  echo "| input tried | result | handled? |"
  echo "|---|---|---|"
  printf '%s\n' "${rows[@]}"
  echo
  note=""
  ((skipped)) && note="; $skipped skipped"
  echo "$((${#rows[@]} - failed - skipped)) of ${#rows[@]} bad inputs handled (usage errors exit 2 naming the option, runs of other settings exit 1 naming the keys; nothing written)$note."
  exit 0
fi
echo "cli_probes: $n runs, $failed failed, $skipped skipped"
((failed == 0))
