#!/usr/bin/env bash
# Sync cost against a real FreshRSS (../shared/sync/freshrss-up.sh, its own state dir and
# ports so the tests' server is not disturbed): N server items over N/1000 feeds of 1000
# items, then a first sync into an empty data dir and a sync with nothing changed, each with
# its wall time and the requests and bytes tidings reports (checked against the server's
# request log). Then K new items on the server and a sync that must fetch exactly those.
#
#   bash benches/sync.sh 1000 10000      # one block per N
set -euo pipefail
cd "$(dirname "$0")/.."
script=$(realpath -m ../shared/sync/freshrss-up.sh)
[ -f "$script" ] || { echo "benches/sync.sh needs $script" >&2; exit 1; }
cargo build --release --quiet
BIN=$PWD/target/release/tidings
W=$(mktemp -d)
export FRESHRSS_STATE_DIR=${TMPDIR:-/tmp}/tidings-freshrss-bench FRESHRSS_WEB_PORT=8390 FRESHRSS_FEED_PORT=8392
trap 'bash "$script" down >/dev/null 2>&1 || true; rm -rf "$W"' EXIT

feeds_file() { # feeds_file DIR NAME COUNT: an RSS file of COUNT items dated now
  python3 - "$1/$2" "$3" "$2" <<'PY'
import sys, email.utils, time
path, n, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
now = time.time()
items = []
for i in range(n):
    d = email.utils.formatdate(now - i * 60, usegmt=True)
    items.append(f"<item><title>{name} item {i}</title><link>http://example.invalid/{name}/{i}</link>"
                 f"<guid>{name}-{i}</guid><pubDate>{d}</pubDate><description>&lt;p&gt;Body of item {i} of "
                 f"{name}, a paragraph of about the length a feed sends: " + "words " * 60 + "&lt;/p&gt;</description></item>")
open(path, "w").write('<?xml version="1.0"?><rss version="2.0"><channel><title>' + name +
    '</title><link>http://example.invalid/</link>' + "".join(items) + "</channel></rss>")
PY
}

run_sync() { # run_sync LABEL: one timed `tidings sync`, its own figures and the server's count
  local before after t0 t1 out
  before=$(wc -l < "$FRESHRSS_REQUEST_LOG_FILE")
  t0=$(date +%s.%N)
  out=$(FRESHRSS_BENCH_PASSWORD=$FRESHRSS_API_PASSWORD "$BIN" --config "$W/config.toml" --data-dir "$W/data" sync)
  t1=$(date +%s.%N)
  after=$(wc -l < "$FRESHRSS_REQUEST_LOG_FILE")
  printf '%-28s %6.2f s  %s  [server logged %d requests]\n' "$1" "$(echo "$t1 - $t0" | bc)" \
    "$(echo "$out" | sed 's/^bench: synced: //')" "$((after - before))"
}

for N in "$@"; do
  info=$(bash "$script" reset 2>/dev/null); eval "$info"
  feeds=$(( (N + 999) / 1000 ))
  t0=$(date +%s.%N)
  for k in $(seq "$feeds"); do
    feeds_file "$FRESHRSS_FEED_DIR" "bench$k.xml" $(( N / feeds ))
    AUTH=$(curl -sS "$FRESHRSS_GREADER_URL/accounts/ClientLogin" -d "Email=$FRESHRSS_USER" -d "Passwd=$FRESHRSS_API_PASSWORD" | sed -n 's/^Auth=//p')
    T=$(curl -sS -H "Authorization: GoogleLogin auth=$AUTH" "$FRESHRSS_GREADER_URL/reader/api/0/token")
    curl -sS -o /dev/null -m 600 -H "Authorization: GoogleLogin auth=$AUTH" "$FRESHRSS_GREADER_URL/reader/api/0/subscription/quickadd" \
      -d "T=$T" --data-urlencode "quickadd=http://127.0.0.1:$FRESHRSS_FEED_PORT/bench$k.xml"
  done
  total=$(curl -sS -H "Authorization: GoogleLogin auth=$AUTH" "$FRESHRSS_GREADER_URL/reader/api/0/stream/items/ids?output=json&n=100000&s=user/-/state/com.google/reading-list" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["itemRefs"]))')
  echo "== $total server items in $((feeds + 1)) feeds (set up in $(printf %.0f "$(echo "$(date +%s.%N) - $t0" | bc)") s)"
  rm -rf "$W/data"
  cat > "$W/config.toml" <<EOC
[[account]]
name = "bench"
kind = "greader"
url = "$FRESHRSS_GREADER_URL"
user = "$FRESHRSS_USER"
password_env = "FRESHRSS_BENCH_PASSWORD"
EOC
  run_sync "first sync"
  run_sync "no-change sync"
  for i in 1 2 3 4 5; do bash "$script" add-item "Bench new $i" >/dev/null 2>&1; done
  run_sync "sync after 5 new items"
done
