#!/usr/bin/env python3
"""Peer implementations of Vigil's benchmark cases: numpy, scikit-learn and faiss-cpu.

Runs the same cases, by the same names, on the same .npy files that `VigilBenchmarks
--generate` wrote, with the same convention (warm-up, then N timed runs, median and min),
and prints one JSON line per (case, peer) on standard output. Progress goes to stderr.

    python3 Benchmarks/peers.py --case logistic_1e7x64 [--case ...] [--impl numpy ...]
                                [--runs N] [--warmups N] [--threads N] [--data DIR]

The first run creates Benchmarks/.venv and installs numpy, scikit-learn, faiss-cpu,
threadpoolctl and psutil from PyPI into it, then re-runs itself with the venv's Python.

Every peer runs in a process of its own, with the environment that peer is measured in:
  - numpy, sklearn: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed (they slow the
    OpenBLAS inside current numpy wheels, which then picks its kernel from the CPU);
  - faiss: OPENBLAS_L2_SIZE removed and OPENBLAS_CORETYPE set to the best kernel family
    the CPU runs (SkylakeX with AVX-512, else Haswell with AVX2): the OpenBLAS 0.3.15
    inside the faiss-cpu wheel does not recognise recent AMD CPUs and falls back to its
    generic SSE kernels, which would understate faiss by 2-3x;
  - faiss_autodetect: both variables removed, faiss as installed (that fallback).
Each JSON line says which BLAS kernel ran ("blas_core", from threadpoolctl).
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VENV = os.path.join(HERE, ".venv")
VENV_PYTHON = os.path.join(VENV, "bin", "python")
PACKAGES = ["numpy", "scikit-learn", "faiss-cpu", "threadpoolctl", "psutil"]
BIAS = 0.1  # the logistic models' bias; VigilBenchmarks uses the same constant

CASES = {
    "logistic_1e7x64": dict(kind="logistic", x="X_1e7x64", w="w_64"),
    "logistic_1e6x128": dict(kind="logistic", x="X_1e6x128", w="w_128"),
    "topk_q1e4_k1e5_d128": dict(kind="topk", base="base_1e5x128", queries="queries_1e4x128"),
    "topk_q1e3_k1e6_d128": dict(kind="topk", base="base_1e6x128", queries="queries_1e3x128"),
    "stream_npy_1e7x64": dict(kind="stream", x="X_1e7x64", w="w_64"),
}
PEERS = {
    "logistic": ["numpy", "sklearn"],
    "topk": ["faiss", "faiss_autodetect", "numpy"],
    "stream": ["numpy"],
}
K_NEAREST = 10


def log(msg):
    print(f"[peers] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- venv

def ensure_venv(argv):
    """Re-executes under Benchmarks/.venv, creating it and installing the peers if needed."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(VENV_PYTHON):
        log(f"creating virtual environment {VENV}")
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    probe = subprocess.run([VENV_PYTHON, "-c", "import numpy, sklearn, faiss, threadpoolctl, psutil"],
                           capture_output=True)
    if probe.returncode != 0:
        log("installing " + " ".join(PACKAGES) + " from PyPI")
        subprocess.run([VENV_PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([VENV_PYTHON, "-m", "pip", "install", "--quiet"] + PACKAGES, check=True)
    os.execv(VENV_PYTHON, [VENV_PYTHON, os.path.abspath(__file__)] + argv)


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def peer_env(impl):
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    if impl == "faiss":
        flags = cpu_flags()
        if "avx512f" in flags:
            env["OPENBLAS_CORETYPE"] = "SkylakeX"
        elif "avx2" in flags:
            env["OPENBLAS_CORETYPE"] = "Haswell"
    return env


# ------------------------------------------------------------------ measurement

def proc_status_mib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def timed_runs(fn, runs, warmups):
    for _ in range(max(warmups, 1)):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    n = len(times)
    med = times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])
    return med, times[0], n


def blas_info():
    from threadpoolctl import threadpool_info
    info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return [{"lib": os.path.basename(i.get("filepath", "")), "core": i.get("architecture"),
             "threads": i.get("num_threads")} for i in info]


def read_vigil_check(data, case):
    path = os.path.join(data, f"vigil_check_{case}.txt")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return [line.split() for line in f if line.strip()]


def base_fields(impl, case, sizes, threads, med, mn, runs, events):
    return {"impl": impl, "case": case, "sizes": sizes, "threads": threads, "runs": runs,
            "median_s": med, "min_s": mn, "events_per_s": events / med}


# --------------------------------------------------------------------- logistic

def run_logistic(impl, case, spec, args):
    import numpy as np
    x = np.load(os.path.join(args.data, spec["x"] + ".npy"))  # read fully: pages touched
    w = np.ascontiguousarray(np.load(os.path.join(args.data, spec["w"] + ".npy")).ravel())
    n, d = x.shape
    b = np.float32(BIAS)

    if impl == "numpy":
        z = np.empty(n, dtype=np.float32)
        z.fill(0)  # pre-touch the reused output

        def score():
            np.matmul(x, w, out=z)
            np.add(z, b, out=z)
            np.negative(z, out=z)
            np.exp(z, out=z)
            np.add(z, 1, out=z)
            np.reciprocal(z, out=z)
            return z
        result = lambda: z  # noqa: E731
    else:  # sklearn
        from sklearn.linear_model import LogisticRegression
        sample = x[:256]
        y = (sample @ w > 0).astype(np.int64)
        clf = LogisticRegression().fit(sample, y)  # only to get a fitted object
        # float32 coefficients: float64 ones would make sklearn upcast all of X.
        clf.coef_ = w.reshape(1, -1).astype(np.float32)
        clf.intercept_ = np.array([BIAS], dtype=np.float32)
        holder = {}

        def score():
            holder["p"] = clf.predict_proba(x)
            return holder["p"]
        result = lambda: holder["p"][:, 1]  # noqa: E731

    log(f"{case} {impl}: {args.runs} runs")
    med, mn, runs = timed_runs(score, args.runs, args.warmups)
    p = result()

    # Accuracy against a double reference on the rows Vigil checked, and agreement with
    # Vigil's own scores for them.
    out = base_fields(impl, case, {"N": n, "D": d}, args.threads, med, mn, runs, n)
    out["gbps"] = n * d * 4 / med / 1e9
    check = read_vigil_check(args.data, case)
    rows = [int(r[0]) for r in check] if check else list(range(0, n, max(1, n // 1000)))
    ref = 1 / (1 + np.exp(-(x[rows].astype(np.float64) @ w.astype(np.float64) + BIAS)))
    out["max_abs_err"] = float(np.max(np.abs(ref - p[rows])))
    if check:
        vigil = np.array([float(r[1]) for r in check])
        out["max_diff_vs_vigil"] = float(np.max(np.abs(vigil - p[rows])))
        out["agrees_with_vigil"] = bool(out["max_diff_vs_vigil"] < 1e-5)
    out["blas"] = blas_info()
    return out


# ------------------------------------------------------------------------- topk

def exact_topk_double(base64n, q64n, k):
    """Double-precision cosine scores and top-k rows (ties by lower row) for a few queries."""
    import numpy as np
    scores = q64n @ base64n.T
    order = np.argsort(-scores, axis=1, kind="stable")  # stable: ties by lower row
    return scores, order[:, :k]


def check_topk(rows, base, queries, sample, k):
    """Index sets of `rows` (Q x k) against a double brute force on `sample` queries."""
    import numpy as np
    b64 = base.astype(np.float64)
    b64 /= np.linalg.norm(b64, axis=1, keepdims=True)
    q64 = queries[sample].astype(np.float64)
    q64 /= np.linalg.norm(q64, axis=1, keepdims=True)
    scores, ref = exact_topk_double(b64, q64, k)
    exact = True
    for s, qi in enumerate(sample):
        got = set(int(r) for r in rows[qi])
        want = set(int(r) for r in ref[s])
        kth = scores[s, ref[s, -1]]
        for r in got - want:
            if not (0 <= r < base.shape[0]) or scores[s, r] < kth - 1e-5:
                exact = False
        if len(got) != k:
            exact = False
    return exact


def run_topk(impl, case, spec, args):
    import numpy as np
    base = np.load(os.path.join(args.data, spec["base"] + ".npy"))
    queries = np.load(os.path.join(args.data, spec["queries"] + ".npy"))
    kk, d = base.shape
    q = queries.shape[0]
    k = K_NEAREST
    holder = {}

    if impl.startswith("faiss"):
        import faiss
        faiss.omp_set_num_threads(args.threads)
        xb = base.copy()
        faiss.normalize_L2(xb)
        index = faiss.IndexFlatIP(d)
        index.add(xb)  # index build is untimed, as Vigil's append is
        del xb

        def search():
            xq = queries.copy()
            faiss.normalize_L2(xq)  # Vigil normalises the queries inside the timed call
            holder["D"], holder["I"] = index.search(xq, k)
    else:  # numpy: blocked matmul + argpartition; the score block is reused
        bn = base / np.linalg.norm(base, axis=1, keepdims=True)
        bn = np.ascontiguousarray(bn, dtype=np.float32)
        block = max(1, min(q, (64 << 20) // (4 * kk)))  # <= 64 MiB score block
        s = np.empty((block, kk), dtype=np.float32)
        s.fill(0)
        rows_out = np.empty((q, k), dtype=np.int64)
        scores_out = np.empty((q, k), dtype=np.float32)

        def search():
            qn = queries / np.linalg.norm(queries, axis=1, keepdims=True)
            for lo in range(0, q, block):
                hi = min(q, lo + block)
                sb = s[: hi - lo]
                np.matmul(qn[lo:hi], bn.T, out=sb)
                part = np.argpartition(sb, kk - k, axis=1)[:, kk - k:]
                vals = np.take_along_axis(sb, part, axis=1)
                order = np.argsort(-vals, axis=1, kind="stable")
                rows_out[lo:hi] = np.take_along_axis(part, order, axis=1)
                scores_out[lo:hi] = np.take_along_axis(vals, order, axis=1)
            holder["I"], holder["D"] = rows_out, scores_out

    log(f"{case} {impl}: {args.runs} runs")
    med, mn, runs = timed_runs(search, args.runs, args.warmups)
    rows = holder["I"]

    out = base_fields(impl, case, {"Q": q, "K": kk, "D": d, "k": k}, args.threads, med, mn, runs, q)
    out["gflops"] = 2.0 * q * kk * d / med / 1e9
    check = read_vigil_check(args.data, case)
    sample = [int(r[0]) for r in check] if check else [i * q // 20 for i in range(20)]
    out["exact"] = check_topk(rows, base, queries, sample, k)
    out["checked_queries"] = len(sample)
    if check:
        same = sum(1 for r in check if set(map(int, r[1:])) == set(int(v) for v in rows[int(r[0])]))
        out["same_sets_as_vigil"] = same
        top1 = sum(1 for r in check if int(r[1]) == int(rows[int(r[0])][0]))
        out["same_top1_as_vigil"] = top1
    out["blas"] = blas_info()
    if impl.startswith("faiss"):
        out["openblas_coretype_env"] = os.environ.get("OPENBLAS_CORETYPE", "(unset)")
    return out


# ----------------------------------------------------------------------- stream

def run_stream(impl, case, spec, args):
    import mmap
    import numpy as np
    import psutil
    path = os.path.join(args.data, spec["x"] + ".npy")
    w = np.ascontiguousarray(np.load(os.path.join(args.data, spec["w"] + ".npy")).ravel())
    batch = args.batch_rows
    d = w.shape[0]
    zbuf = np.zeros(batch, dtype=np.float32)
    page = mmap.PAGESIZE
    b = np.float32(BIAS)

    def stream():
        x = np.load(path, mmap_mode="r")
        n = x.shape[0]
        start = x.offset if hasattr(x, "offset") else 0
        row_bytes = d * 4
        released = 0
        total = 0.0
        for lo in range(0, n, batch):
            hi = min(n, lo + batch)
            z = zbuf[: hi - lo]
            np.matmul(x[lo:hi], w, out=z)
            z += b
            np.negative(z, out=z)
            np.exp(z, out=z)
            z += 1
            np.reciprocal(z, out=z)
            total += float(z.sum(dtype=np.float64))
            # Drop the pages already scored from this process's mapping, so memory stays
            # flat (without it the whole file ends up counted in the RSS).
            done = (start + hi * row_bytes) // page * page
            if done > released:
                x._mmap.madvise(mmap.MADV_DONTNEED, released, done - released)
                released = done
        del x
        return n, total / n

    rss_before = psutil.Process().memory_info().rss / 2**20
    n, mean = stream()  # first pass: its peak RSS is what gets reported
    peak = proc_status_mib("VmHWM")
    log(f"{case} {impl}: peak RSS {peak:.1f} MiB after one pass; {args.runs} runs")
    holder = {}

    def run():
        holder["r"] = stream()
    med, mn, runs = timed_runs(run, args.runs, max(args.warmups - 1, 0))
    out = base_fields(impl, case, {"N": n, "D": d, "batch_rows": batch}, args.threads, med, mn, runs, n)
    out["rows_per_s"] = n / med
    out["gbps"] = n * d * 4 / med / 1e9
    out["peak_rss_mib"] = peak
    out["rss_before_mib"] = rss_before
    out["mean_score"] = mean
    check = read_vigil_check(args.data, case)
    if check:
        vigil_mean = float(dict((r[0], r[1]) for r in check)["mean_score"])
        out["agrees_with_vigil"] = bool(abs(vigil_mean - mean) < 1e-6)
    out["blas"] = blas_info()
    return out


RUNNERS = {"logistic": run_logistic, "topk": run_topk, "stream": run_stream}


# ------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", action="append", choices=sorted(CASES), help="case to run (repeatable; default all)")
    ap.add_argument("--impl", action="append", help="peer to run (numpy, sklearn, faiss, faiss_autodetect; default all that apply)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmups", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--batch-rows", type=int, default=65536, help="stream case batch size")
    ap.add_argument("--data", default=os.path.join(HERE, "data"))
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--setup-only", action="store_true", help="create the venv and exit")
    args = ap.parse_args()

    if args.setup_only:
        log("virtual environment ready: " + VENV)
        return 0

    cases = args.case or list(CASES)
    if args.worker:
        case = cases[0]
        impl = args.impl[0]
        out = RUNNERS[CASES[case]["kind"]](impl, case, CASES[case], args)
        print(json.dumps(out), flush=True)
        return 0

    status = 0
    for case in cases:
        spec = CASES[case]
        for impl in PEERS[spec["kind"]]:
            if args.impl and impl not in args.impl:
                continue
            for needed in [spec.get(k) for k in ("x", "w", "base", "queries") if spec.get(k)]:
                if not os.path.exists(os.path.join(args.data, needed + ".npy")):
                    sys.exit(f"peers.py: {needed}.npy missing in {args.data}: run VigilBenchmarks --generate first")
            cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--case", case, "--impl", impl,
                   "--runs", str(args.runs), "--warmups", str(args.warmups), "--threads", str(args.threads),
                   "--batch-rows", str(args.batch_rows), "--data", args.data]
            r = subprocess.run(cmd, env=peer_env(impl), stdout=subprocess.PIPE, text=True)
            sys.stdout.write(r.stdout)
            sys.stdout.flush()
            if r.returncode != 0:
                log(f"{case} {impl}: failed with exit code {r.returncode}")
                status = 1
    return status


if __name__ == "__main__":
    ensure_venv(sys.argv[1:])
    sys.exit(main())
