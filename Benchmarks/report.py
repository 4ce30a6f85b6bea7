#!/usr/bin/env python3
"""Prints the side-by-side table of one benchmark run (a results/*.jsonl file).

    python3 Benchmarks/report.py Benchmarks/results/<timestamp>.jsonl

Ends with machine-readable lines, one per comparison and one per Vigil case:
    RATIO <case> <peer> <vigil-over-peer speed ratio = peer median / vigil median>
    LIMIT <case> <fraction of the machine limit Vigil reaches>
A peer's "fraction of limit" uses the limit Vigil measured for the same case in the
same run (peers do not measure limits themselves).
"""

import json
import sys


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def main(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    cases = []
    for r in rows:
        if r["case"] not in cases:
            cases.append(r["case"])

    header = ["case", "impl", "median s", "events/s", "GB/s or GFLOP/s", "fraction of limit",
              "Vigil/peer speed", "notes"]
    table = []
    ratios, limits = [], []
    for case in cases:
        group = [r for r in rows if r["case"] == case]
        vigil = next((r for r in group if r["impl"] == "vigil"), None)
        limit = vigil["limit"]["value"] if vigil else None
        for r in sorted(group, key=lambda r: r["impl"] != "vigil"):
            rate, unit = (r["gflops"], "GFLOP/s") if "gflops" in r else (r.get("gbps"), "GB/s")
            frac = r.get("limit_fraction") if r["impl"] == "vigil" else (
                rate / limit if (limit and rate is not None) else None)
            speed = None
            if vigil and r["impl"] != "vigil":
                speed = r["median_s"] / vigil["median_s"]
                ratios.append((case, r["impl"], speed))
            notes = []
            if "exact" in r:
                notes.append("exact" if r["exact"] else "NOT EXACT")
            if "peak_rss_mib" in r:
                notes.append(f"peak RSS {r['peak_rss_mib']:.0f} MiB")
            if r.get("agrees_with_vigil") is False:
                notes.append("DISAGREES with vigil")
            if r["impl"] == "vigil":
                lim = r["limit"]
                notes.append(f"limit {lim['kind']} {lim['value']:.1f} {'GFLOP/s' if lim['kind'] == 'sgemm' else 'GB/s'}")
                limits.append((case, r["limit_fraction"]))
            blas = r.get("blas")
            cores = ([r["blas_core"]] if r.get("blas_core") else []) if not isinstance(blas, list) \
                else sorted({b["core"] for b in blas if b.get("core")})
            if cores:
                notes.append("blas " + "/".join(cores))
            table.append([case, r["impl"], fmt(r["median_s"], ".4f"), fmt(r["events_per_s"], ".3e"),
                          f"{rate:.1f} {unit}" if rate is not None else "-", fmt(frac, ".2f"),
                          "-" if speed is None else f"{speed:.2f}x", ", ".join(notes)])

    widths = [max(len(str(row[i])) for row in table + [header]) for i in range(len(header))]
    line = lambda cells: " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    print(line(header))
    print("-|-".join("-" * w for w in widths))
    for row in table:
        print(line(row))
    print()
    for case, peer, speed in ratios:
        print(f"RATIO {case} {peer} {speed:.3f}")
    for case, frac in limits:
        print(f"LIMIT {case} {frac:.3f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
