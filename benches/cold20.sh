#!/usr/bin/env bash
# Cold refresh side by side with newsboat, the corpus spread over 20 loopback hosts
# (127.0.0.1 .. 127.0.0.20, one ../shared/bench/serve.py each), as a real subscription list is
# spread over many sites: both readers at their defaults.
#
#   benches/cold20.sh [FEEDS] [ITEMS] [LATENCY_MS] [RUNS]     (defaults: 200 50 50 5)
#
# Needs: hyperfine, newsboat, /usr/bin/time (apt-get install -y hyperfine newsboat time).
set -euo pipefail
FEEDS=${1:-200}; ITEMS=${2:-50}; LATENCY=${3:-50}; RUNS=${4:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
KIT=$(cd "$ROOT/../shared/bench" && pwd)
TIDINGS=${TIDINGS:-$ROOT/target/release/tidings}
[ -n "${TIDINGS_PREBUILT:-}" ] || (cd "$ROOT" && cargo build --release --quiet)
W=$(mktemp -d /tmp/tidings-cold20.XXXXXX)
echo "scratch: $W"
python3 "$KIT/gen_corpus.py" --feeds "$FEEDS" --items "$ITEMS" --out "$W/corpus" --quiet
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
for h in $(seq 1 20); do
  python3 "$KIT/serve.py" --root "$W/corpus" --host "127.0.0.$h" --latency-ms "$LATENCY" \
    --port-file "$W/port.$h" --max-seconds 7200 >"$W/serve.$h.log" 2>&1 &
  PIDS+=($!)
done
for h in $(seq 1 20); do
  for _ in $(seq 100); do [ -s "$W/port.$h" ] && break; sleep 0.05; done
done
# Feed i is served by host (i mod 20) + 1.
i=0
: > "$W/urls"
for f in $(ls "$W/corpus/feeds"); do
  h=$(( i % 20 + 1 ))
  echo "http://127.0.0.$h:$(cat "$W/port.$h")/feeds/$f" >> "$W/urls"
  i=$(( i + 1 ))
done
sed 's#.*#[[feed]]\nurl = "&"\n#' "$W/urls" > "$W/tidings.toml"
: > "$W/nb.conf"

# shellcheck source=benches/common.sh
. "$HERE/common.sh"

echo "== cold refresh: $FEEDS feeds x $ITEMS items over 20 hosts, ${LATENCY} ms latency, defaults"
hyperfine -w 1 -r "$RUNS" --export-json "$W/cold.json" \
  -n "tidings refresh" -p "rm -rf $W/td" "$TIDINGS --config $W/tidings.toml --data-dir $W/td refresh" \
  -n "newsboat -x reload" -p "rm -rf $W/nb && mkdir $W/nb" "newsboat -u $W/urls -c $W/nb/cache.db -C $W/nb.conf -x reload"
for r in 1 2 3; do
  rm -rf "$W/td"; cpu "tidings ($r)" "$TIDINGS" --config "$W/tidings.toml" --data-dir "$W/td" refresh
  rm -rf "$W/nb" && mkdir "$W/nb"; cpu "newsboat ($r)" newsboat -u "$W/urls" -c "$W/nb/cache.db" -C "$W/nb.conf" -x reload
done
echo "== unread count"
hyperfine -w 2 -r 20 -N \
  "$TIDINGS --config $W/tidings.toml --data-dir $W/td list --unread --count" \
  "newsboat -u $W/urls -c $W/nb/cache.db -C $W/nb.conf -x print-unread"
