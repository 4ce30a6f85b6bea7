#!/usr/bin/env bash
# End-to-end triage benchmark (issue 3, "Targets"): `vigil triage` on N generated OCSF
# alerts with ~10,000 precedents, against a plain Python pipeline doing the same steps
# with json + numpy + scikit-learn on the same files (Benchmarks/triage_peer.py).
#
# usage: Benchmarks/triage.sh [--alerts N] [--history H] [--keep-output]
#   --alerts N     alerts in the generated day (default 1000000)
#   --history H    closed cases to learn from (default 12000, which gives ~9,300 training
#                  cases = precedents after the held-out split)
#   --keep-output  keep the findings files (several GB at 1M alerts; deleted by default)
#
# vigil runs twice: writing its outputs to files (the figure and the RATIO line), then to
# /dev/null (the pipeline without this machine's page-cache write limit, shown beside).
#
# Steps: build vigil (release, scratch path /tmp/bench-triage-build unless
# VIGIL_SCRATCH is set); generate the day + train the model once into
# Benchmarks/data/triage-<N>/ (`vigil demo`, stopped as soon as it starts triaging);
# time `vigil triage` alone under /usr/bin/time -v (peak RSS); run the Python peer;
# print a table, Vigil's stage line and `RATIO triage python <vigil/python alerts/s>`
# (stdout also saved as Benchmarks/results/triage-<UTC time>-<N>.txt).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
# The engine's packages (BLAS, simdjson, libcrypto) and GNU time for the peak RSS.
source "$root/scripts/setup"
if [ ! -x /usr/bin/time ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq time >/dev/null
fi
alerts=1000000
history=12000
keep=0
while [ $# -gt 0 ]; do
    case "$1" in
        --alerts) alerts="$2"; shift ;;
        --history) history="$2"; shift ;;
        --keep-output) keep=1 ;;
        -h|--help) sed -n '2,21p' "$here/triage.sh"; exit 0 ;;
        *) echo "triage.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

# stdout (the table and the RATIO line) is also kept in Benchmarks/results/
mkdir -p "$here/results"
exec > >(tee "$here/results/triage-$(date -u +%Y%m%dT%H%M%SZ)-$alerts.txt")

scratch="${VIGIL_SCRATCH:-/tmp/bench-triage-build}"
echo "== building vigil (release, $scratch)" >&2
(cd "$root" && swift build -c release --scratch-path "$scratch" --product vigil >&2)
vigil="$scratch/release/vigil"

echo "== peers: virtual environment" >&2
python3 "$here/peers.py" --setup-only >&2
py="$here/.venv/bin/python"

dir="$here/data/triage-$alerts"
data="$dir/data"
if [ ! -s "$dir/model.json" ] || [ ! -s "$data/alerts.ndjson" ] || [ ! -s "$data/history.ndjson" ]; then
    echo "== generating $alerts alerts + $history closed cases into $dir (once)" >&2
    rm -rf "$dir"; mkdir -p "$dir"
    # The demo generates, trains, then triages; the triage part is not needed here, so it
    # is stopped once the model exists and triage progress shows.
    "$vigil" demo --out "$dir" --alerts "$alerts" --history "$history" >"$dir/demo.out" 2>"$dir/demo.err" &
    demo=$!
    while kill -0 "$demo" 2>/dev/null; do
        if [ -s "$dir/model.json" ] && grep -q "alerts" "$dir/demo.err" 2>/dev/null; then
            kill "$demo" 2>/dev/null || true
            break
        fi
        sleep 1
    done
    wait "$demo" 2>/dev/null || true
    rm -f "$dir/findings.ndjson" "$dir/rejects.ndjson"
    [ -s "$dir/model.json" ] || { echo "triage.sh: generation failed, see $dir/demo.err" >&2; exit 1; }
fi
precedents="$("$py" -c "import json,sys; print(len(json.load(open(sys.argv[1]))['cases']))" "$dir/model.json")"
size="$(du -m "$data/alerts.ndjson" | cut -f1)"

policy="$root/Sources/Vigil/Resources/tier-policy.json"
playbooks="$root/Sources/Vigil/Resources/playbooks.json"
out="$(mktemp -d /tmp/vigil-triage-bench.XXXXXX)"
trap '[ "$keep" = 1 ] || rm -rf "$out"' EXIT

echo "== vigil triage: $alerts alerts (${size} MB), $precedents precedents" >&2
/usr/bin/time -v "$vigil" triage --alerts "$data/alerts.ndjson" --assets "$data/assets.csv" \
    --intel "$data/feeds.json" --policy "$policy" --playbooks "$playbooks" --model "$dir/model.json" \
    --out "$out/vigil-findings.ndjson" --incidents "$out/vigil-incidents.ndjson" --rejects "$out/vigil-rejects.ndjson" \
    >"$out/vigil.out" 2>"$out/vigil.err"
vline="$(grep -E "^ *triaged [0-9]+ alerts" "$out/vigil.out" "$out/vigil.err" -h | tail -1)"
vstages="$(grep -E "^ *stages:" "$out/vigil.out" "$out/vigil.err" -h | tail -1)"
vrate="$(sed -nE 's/.*\(([0-9.]+) alerts\/s\).*/\1/p' <<<"$vline")"
vrss="$(sed -nE 's/.*Maximum resident set size \(kbytes\): ([0-9]+).*/\1/p' "$out/vigil.err")"
vwall="$(sed -nE 's/.*Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (.*)/\1/p' "$out/vigil.err")"
[ -n "$vrate" ] || { echo "triage.sh: could not read vigil's rate; output:" >&2; cat "$out/vigil.out" "$out/vigil.err" >&2; exit 1; }

# The same run with both outputs sent to /dev/null: what the pipeline itself does on this
# machine, without the file system's page-cache limit (reported beside, not as the ratio).
echo "== vigil triage again, outputs to /dev/null" >&2
"$vigil" triage --alerts "$data/alerts.ndjson" --assets "$data/assets.csv" \
    --intel "$data/feeds.json" --policy "$policy" --playbooks "$playbooks" --model "$dir/model.json" \
    --out /dev/null --incidents /dev/null --rejects "$out/vigil-rejects-null.ndjson" >"$out/vigil-null.out" 2>"$out/vigil-null.err"
nline="$(grep -E "^ *triaged [0-9]+ alerts" "$out/vigil-null.out" -h | tail -1)"
nstages="$(grep -E "^ *stages:" "$out/vigil-null.out" -h | tail -1)"
nrate="$(sed -nE 's/.*\(([0-9.]+) alerts\/s\).*/\1/p' <<<"$nline")"

echo "== python peer (json + numpy + scikit-learn)" >&2
"$py" "$here/triage_peer.py" --alerts "$data/alerts.ndjson" --history "$data/history.ndjson" \
    --assets "$data/assets.csv" --intel "$data/feeds.json" --policy "$policy" --playbooks "$playbooks" \
    --out "$out/python-findings.ndjson" --rejects "$out/python-rejects.ndjson" >"$out/python.out" 2>"$out/python.err"
pline="$(grep '^PEER triage python' "$out/python.out")"
pstages="$(grep '^stages:' "$out/python.out")"
prate="$(sed -nE 's/.*alerts_per_s=([0-9.]+).*/\1/p' <<<"$pline")"
prss="$(sed -nE 's/.*peak_rss_kb=([0-9]+).*/\1/p' <<<"$pline")"
psecs="$(sed -nE 's/.*seconds=([0-9.]+).*/\1/p' <<<"$pline")"

vbytes=$(( $(stat -c %s "$out/vigil-findings.ndjson") + $(stat -c %s "$out/vigil-incidents.ndjson") ))
pbytes="$(stat -c %s "$out/python-findings.ndjson")"

# The machine's limit for the write stage: how fast this file system takes new data into
# the page cache (dd, 1 GiB in 1 MiB blocks to a fresh file beside the outputs, no fsync).
# On a VM whose guest memory is faulted in by the host on first touch this is far below
# memory bandwidth, and it bounds any triage that writes every finding back.
echo "== page-cache write bandwidth (dd, 1 GiB)" >&2
ddline="$(dd if=/dev/zero of="$out/dd-probe" bs=1M count=1024 2>&1 | tail -1)"
rm -f "$out/dd-probe"
ddbytes="$(sed -nE 's/^([0-9]+) bytes.*/\1/p' <<<"$ddline")"
ddsecs="$(sed -nE 's/.*copied, ([0-9.]+) s.*/\1/p' <<<"$ddline")"
ddrate="$(bc -l <<<"$ddbytes/$ddsecs/1048576")"
vsecs="$(bc -l <<<"$alerts/$vrate")"
vwrite="$(bc -l <<<"$vbytes/$vsecs/1048576")"
echo
printf '%-8s %14s %12s %14s %16s\n' impl "alerts/s" "wall" "peak RSS MB" "output MB"
printf '%-8s %14.0f %12s %14.0f %16.0f\n' vigil "$vrate" "$vwall" "$(bc -l <<<"$vrss/1024")" "$(bc -l <<<"$vbytes/1048576")"
printf '%-8s %14.0f %12s %14.0f %16.0f\n' python "$prate" "${psecs}s" "$(bc -l <<<"$prss/1024")" "$(bc -l <<<"$pbytes/1048576")"
echo
printf 'vigil writes %.0f MB/s of output; this file system took %.0f MB/s from dd (%.2f of that limit)\n' "$vwrite" "$ddrate" "$(bc -l <<<"$vwrite/$ddrate")"
echo "vigil:  $(sed -E 's/^ +//' <<<"$vline")"
echo "vigil   $(sed -E 's/^ +//' <<<"$vstages")"
echo "vigil, outputs to /dev/null: $(sed -E 's/^ +//' <<<"$nline")"
echo "vigil, outputs to /dev/null: $(sed -E 's/^ +//' <<<"$nstages")"
echo "python: $pline"
echo "python  $pstages"
echo "(alerts $alerts, ${size} MB input, precedents $precedents, target >= 250000 alerts/s and >= 5x python)"
printf 'RATIO triage python %.2f\n' "$(bc -l <<<"$vrate/$prate")"
printf '(with outputs to /dev/null vigil is %.2fx python writing its file; not the ratio above)\n' "$(bc -l <<<"$nrate/$prate")"
if [ "$keep" = 1 ]; then echo "outputs kept in $out" >&2; fi
