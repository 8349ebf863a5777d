#!/usr/bin/env bash
# Writes everything feedgen BIN outputs for the repository's fixtures (and, when ../shared is
# beside the checkout, the two extraction benchmarks) into OUT, with the clock frozen, so two
# builds can be compared byte for byte: `diff -r OUT_BEFORE OUT_AFTER`.
# Usage: scripts/golden.sh BIN OUT   (needs faketime: apt-get install faketime)
set -uo pipefail
BIN=$(realpath "$1"); OUT=$(realpath -m "$2")
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
rm -rf "$OUT"; mkdir -p "$OUT"/{oneshot,extract,run,output}
FROZEN='2026-06-01 12:00:00'; export FAKETIME_DONT_FAKE_MONOTONIC=1
ft() { faketime -f "$FROZEN" "$@"; }
strip_seconds() { sed -E 's/"seconds":[0-9.e+-]+/"seconds":0/g'; }
mapfile -t pages < <(find tests/fixtures -name '*.html' | sort)
: > "$OUT/fixtures.jsonl"
for p in "${pages[@]}"; do
  name=$(echo "$p" | tr '/' '_')
  for fmt in rss atom json; do
    ft "$BIN" --url "$p" --format $fmt > "$OUT/oneshot/$name.$fmt" 2> "$OUT/oneshot/$name.$fmt.err"
    echo "exit $?" >> "$OUT/oneshot/$name.$fmt.err"
  done
  ft "$BIN" extract --input "$p" --url "https://example.org/$(basename "$p")" > "$OUT/extract/$name.txt" 2>&1
  printf '{"path": "%s", "url": "https://example.org/%s"}\n' "$p" "$(basename "$p")" >> "$OUT/fixtures.jsonl"
done
ft "$BIN" extract --manifest "$OUT/fixtures.jsonl" | strip_seconds > "$OUT/extract/fixtures.manifest.jsonl"
# feedgen run on a copy of the shipped example, twice (the second run changes nothing).
work=/tmp/feedgen-golden-run; rm -rf "$work"; mkdir -p "$work"; cp config.toml "$work/"; ln -s "$REPO/tests" "$work/tests"
for n in 1 2; do
  ft "$BIN" run --config "$work/config.toml" --json 2> "$OUT/run/stderr.$n" | strip_seconds > "$OUT/run/summary.$n.json"
  echo "exit $?" >> "$OUT/run/stderr.$n"
  sed -i -E 's/[0-9]+\.[0-9]+s$/Xs/' "$OUT/run/stderr.$n"
done
(cd "$work/feeds" && cp -a . "$OUT/run/feeds")
rm -rf "$work"
# --output merges into a file, twice.
work=/tmp/feedgen-golden-output; rm -rf "$work"; mkdir -p "$work"
for p in tests/fixtures/seed/seed-rich.html tests/fixtures/seed/seed-bare.html; do
  ft "$BIN" --url "$p" --output "$work/one.xml" --site-url https://kabar.example/ >> "$OUT/output/stderr" 2>&1
done
cp "$work/one.xml" "$OUT/output/"; rm -rf "$work"
# The benchmarks, when ../shared is beside the checkout (pages unpacked into a cache).
if [ -d ../shared/bench ]; then
  python3 - ../shared/bench "$OUT" <<'PY'
import gzip, json, sys, pathlib, tempfile
bench, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
cache = pathlib.Path(tempfile.gettempdir()) / "golden-pages"
cache.mkdir(exist_ok=True)
def unpack(src, name):
    dst = cache / name
    if not dst.exists():
        dst.write_bytes(gzip.decompress(src.read_bytes()))
    return str(dst)
with open(out / "bench181.jsonl", "w") as m:
    truth = json.load(open(bench / "extraction/ground-truth.json"))
    for key, rec in sorted(truth.items()):
        src = bench / "extraction/html" / f"{key}.html.gz"
        if src.exists():
            m.write(json.dumps({"path": unpack(src, f"x-{key}.html"), "url": rec["url"]}) + "\n")
with open(out / "wcxb.jsonl", "w") as m:
    for gt in sorted((bench / "wcxb/dev/ground-truth").glob("*.json")):
        url = json.loads(gt.read_text()).get("url") or f"https://example.com/{gt.stem}"
        src = bench / "wcxb/dev/html" / f"{gt.stem}.html.gz"
        m.write(json.dumps({"path": unpack(src, f"w-{gt.stem}.html"), "url": url}) + "\n")
PY
  for set in bench181 wcxb; do
    ft "$BIN" extract --manifest "$OUT/$set.jsonl" | strip_seconds > "$OUT/extract/$set.jsonl"
  done
fi
echo "golden outputs in $OUT: $(find "$OUT" -type f | wc -l) files"
