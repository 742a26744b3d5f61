"""Merges the rounds run_bench.sh wrote (genlab_R.jsonl, peer_R.jsonl, old_R.jsonl in DIR, R = 1, 2, ...)
into one markdown table on stdout: per grid point the best-of-rounds microseconds per CDF call of
genlab (stats_bench), the peer (scipy.stats.ncx2 or the numpy Imhof generalized chi-square) and the
two methods of commit 04fa0a6 (old_methods_bench: Imhof, saddlepoint-line inversion), their values,
and the ratios, in the grid's order. A peer or old value is "right" at a point (marked ✓, else ✗)
when |value - genlab| <= 1e-8 |genlab| (genlab's CDF is the reference: tests/stats pins it against
mpmath); "new/old" is genlab's time over the fastest right old method's. Usage: bench_table.py DIR"""
import glob
import json
import math
import os
import sys

REL_TOL = 1e-8


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line.replace(": nan", ": NaN")))
    return rows


def key(r):
    """Grid point: distribution, law parameters and x (to 12 digits: the C++ and Python grids compute
    x = f * mean in double, possibly in a different order)."""
    x = float("%.12g" % r["x"])
    if r["dist"] == "ncx2":
        return ("ncx2", "df=%g nc=%g" % (r["df"], r["nc"]), x)
    return ("gchi2", r["law"], x)


def best(d, k, us, value):
    """Keeps the fastest round's time and its value at key k."""
    if k not in d or (not math.isnan(us) and (math.isnan(d[k][0]) or us < d[k][0])):
        d[k] = (us, value)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench_table.py DIR")
    out = sys.argv[1]
    genlab, peer, old = {}, {}, {}
    rounds = sorted(glob.glob(os.path.join(out, "genlab_*.jsonl")))
    for name, table in (("genlab", genlab), ("peer", peer)):
        for path in sorted(glob.glob(os.path.join(out, name + "_*.jsonl"))):
            for r in load(path):
                best(table, key(r), r["us_per_call"], r["cdf"])
    for path in sorted(glob.glob(os.path.join(out, "old_*.jsonl"))):
        for r in load(path):
            best(old, key(r) + (r["method"],), r["us_per_call"], r["cdf"])

    def us(v):
        return "—" if v is None or math.isnan(v) else "%.3g" % v

    def val(v):
        return "—" if v is None or math.isnan(v) else "%.12g" % v

    print("Best of %d rounds, µs per CDF call. peer: scipy.stats.ncx2.cdf (ncx2 rows), numpy Imhof integral "
          "(gchi2 rows). old: commit 04fa0a6's Imhof CDF and saddlepoint-line inversion. ✓ = within %g relative "
          "of genlab's value (✗ = not). new/old: genlab over the fastest right old method." % (len(rounds), REL_TOL))
    print()
    print("| dist | law | x | genlab µs | genlab CDF | peer µs | peer CDF | genlab/peer | old Imhof µs | old Imhof CDF "
          "| old saddlepoint µs | old saddlepoint CDF | new/old |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for k in genlab:  # the grid's order, as stats_bench printed it
        g_us, g_v = genlab[k]
        p_us, p_v = peer.get(k, (math.nan, math.nan))
        ratio = g_us / p_us if p_us and not math.isnan(p_us) else math.nan
        p_mark = "" if math.isnan(p_v) else (" ✓" if abs(p_v - g_v) <= REL_TOL * abs(g_v) else " ✗")
        cells = []
        fastest_right = math.nan
        for method in ("old_imhof", "old_saddlepoint"):
            o_us, o_v = old.get(k + (method,), (math.nan, math.nan))
            right = not math.isnan(o_v) and abs(o_v - g_v) <= REL_TOL * abs(g_v)
            if right and not math.isnan(o_us):
                fastest_right = o_us if math.isnan(fastest_right) else min(fastest_right, o_us)
            mark = "" if k[0] == "ncx2" or math.isnan(o_v) else (" ✓" if right else " ✗")
            cells += [us(o_us), val(o_v) + mark]
        new_old = g_us / fastest_right if not math.isnan(fastest_right) else math.nan
        print("| %s | %s | %.6g | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            k[0], k[1], k[2], us(g_us), val(g_v), us(p_us), val(p_v) + p_mark, us(ratio), *cells, us(new_old)))


if __name__ == "__main__":
    main()
