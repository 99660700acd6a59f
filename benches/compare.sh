#!/usr/bin/env bash
# Side-by-side benchmark of tidings and newsboat on the same served corpus (../shared/bench).
#
#   benches/compare.sh [FEEDS] [ITEMS] [LATENCY_MS] [RUNS]     (defaults: 200 50 50 5)
#
# Needs: hyperfine, newsboat, /usr/bin/time (apt-get install -y hyperfine newsboat time).
# Prints hyperfine tables and one summary line per measurement; writes JSON under $W.
set -euo pipefail
FEEDS=${1:-200}; ITEMS=${2:-50}; LATENCY=${3:-50}; RUNS=${4:-5}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
KIT=$(cd "$ROOT/../shared/bench" && pwd)
TIDINGS="$ROOT/target/release/tidings"
(cd "$ROOT" && cargo build --release --quiet)
W=$(mktemp -d /tmp/tidings-bench.XXXXXX)
echo "scratch: $W"
python3 "$KIT/gen_corpus.py" --feeds "$FEEDS" --items "$ITEMS" --out "$W/corpus" --quiet
python3 "$KIT/serve.py" --root "$W/corpus" --latency-ms "$LATENCY" --port-file "$W/port" --max-seconds 7200 >"$W/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$W/port" ] && break; sleep 0.1; done
P=$(cat "$W/port")
ls "$W/corpus/feeds" | sed "s#^#http://127.0.0.1:$P/feeds/#" > "$W/urls"
sed 's#.*#[[feed]]\nurl = "&"\n#' "$W/urls" > "$W/tidings.toml"
printf 'reload-threads 8\n' > "$W/nb8.conf"
: > "$W/nb1.conf"
stat() { curl -s "http://127.0.0.1:$P/_bench/$1" >/dev/null || python3 -c "import urllib.request;urllib.request.urlopen('http://127.0.0.1:$P/_bench/$1').read()"; }

# shellcheck source=benches/common.sh
. "$HERE/common.sh"

echo "== cold refresh: $FEEDS feeds x $ITEMS items, ${LATENCY} ms latency"
{ printf '[settings]\nper_host = 16\n\n'; cat "$W/tidings.toml"; } > "$W/tidings-ph16.toml"
hyperfine -w 1 -r "$RUNS" --export-json "$W/cold.json" \
  -n "tidings refresh" -p "rm -rf $W/td" "$TIDINGS --config $W/tidings.toml --data-dir $W/td refresh" \
  -n "tidings refresh (per_host 16)" -p "rm -rf $W/td" "$TIDINGS --config $W/tidings-ph16.toml --data-dir $W/td refresh" \
  -n "newsboat -x reload (1 thread)" -p "rm -rf $W/nb && mkdir -p $W/nb" "newsboat -u $W/urls -c $W/nb/cache.db -C $W/nb1.conf -x reload" \
  -n "newsboat -x reload (8 threads)" -p "rm -rf $W/nb && mkdir -p $W/nb" "newsboat -u $W/urls -c $W/nb/cache.db -C $W/nb8.conf -x reload"
rm -rf "$W/td" "$W/nb"; mkdir -p "$W/nb"
cpu "tidings refresh (cold)" "$TIDINGS" --config "$W/tidings.toml" --data-dir "$W/td" refresh
rm -rf "$W/td"
cpu "tidings refresh (cold, per_host 16)" "$TIDINGS" --config "$W/tidings-ph16.toml" --data-dir "$W/td" refresh
cpu "newsboat reload (cold, 1 thread)" newsboat -u "$W/urls" -c "$W/nb/cache.db" -C "$W/nb1.conf" -x reload
rm -rf "$W/nb"; mkdir -p "$W/nb"
cpu "newsboat reload (cold, 8 threads)" newsboat -u "$W/urls" -c "$W/nb/cache.db" -C "$W/nb8.conf" -x reload

echo "== refresh where every feed answers 304"
# newsboat stores validators only from its second reload on: prime it until nothing is 200.
for _ in 1 2; do newsboat -u "$W/urls" -c "$W/nb/cache.db" -C "$W/nb8.conf" -x reload; done
"$TIDINGS" --config "$W/tidings.toml" --data-dir "$W/td" refresh >/dev/null
hyperfine -w 1 -r "$RUNS" --export-json "$W/warm.json" \
  -n "tidings refresh (304)" "$TIDINGS --config $W/tidings.toml --data-dir $W/td refresh" \
  -n "newsboat -x reload (304, 1 thread)" "newsboat -u $W/urls -c $W/nb/cache.db -C $W/nb1.conf -x reload"
cpu "tidings refresh (304)" "$TIDINGS" --config "$W/tidings.toml" --data-dir "$W/td" refresh
cpu "newsboat reload (304, 1 thread)" newsboat -u "$W/urls" -c "$W/nb/cache.db" -C "$W/nb1.conf" -x reload

echo "== counting unread articles ($((FEEDS * ITEMS)) stored)"
hyperfine -N -w 2 -r $((RUNS * 4)) --export-json "$W/count.json" \
  -n "tidings list --unread --count" "$TIDINGS --config $W/tidings.toml --data-dir $W/td list --unread --count" \
  -n "newsboat -x print-unread" "newsboat -u $W/urls -c $W/nb/cache.db -C $W/nb1.conf -x print-unread"

echo "== first complete frame ($((FEEDS * ITEMS)) stored)"
python3 "$HERE/first_frame.py" --runs $((RUNS * 2)) --name tidings --wait 'All unread \([0-9]+\)' --quit Q -- \
  "$TIDINGS" --config "$W/tidings.toml" --data-dir "$W/td"
python3 "$HERE/first_frame.py" --runs $((RUNS * 2)) --name newsboat --wait 'Your feeds \([0-9]+ unread' --quit q --timeout 900 -- \
  newsboat -u "$W/urls" -c "$W/nb/cache.db" -C "$W/nb1.conf"
