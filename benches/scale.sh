#!/usr/bin/env bash
# How tidings' costs grow with the store: unread count, first frame, UI memory at 10k, 100k and
# 1M stored articles (stores filled directly by examples/fill_store.rs), plus a cold refresh of
# 100 served feeds x 50 items into each of those stores.
#
#   benches/scale.sh            (needs hyperfine and python3; newsboat is measured by compare.sh)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
KIT=$(cd "$ROOT/../shared/bench" && pwd)
(cd "$ROOT" && cargo build --release --quiet && cargo build --release --quiet --example fill_store)
TIDINGS="$ROOT/target/release/tidings"
FILL="$ROOT/target/release/examples/fill_store"
W=$(mktemp -d /tmp/tidings-scale.XXXXXX)
echo "scratch: $W"
python3 "$KIT/gen_corpus.py" --feeds 100 --items 50 --out "$W/corpus" --quiet
python3 "$KIT/serve.py" --root "$W/corpus" --latency-ms 0 --port-file "$W/port" --max-seconds 7200 >"$W/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$W/port" ] && break; sleep 0.1; done
P=$(cat "$W/port")
for N in 10000 100000 1000000; do
  D="$W/s$N"; mkdir -p "$D"
  "$FILL" "$N" 1000 "$D" "$D/config.toml" >/dev/null
  echo "== $N stored articles ($(du -h "$D/tidings.db" | cut -f1) database)"
  hyperfine -N -w 2 -r 20 -n "unread count @$N" "$TIDINGS --config $D/config.toml --data-dir $D list --unread --count" | grep -E "Time|Range"
  python3 "$HERE/first_frame.py" --runs 10 --name "first frame @$N" --wait 'All unread \([0-9]+\)' --quit Q -- \
    "$TIDINGS" --config "$D/config.toml" --data-dir "$D"
  # Cold refresh of 100 served feeds (5 000 new articles) into this store.
  ls "$W/corpus/feeds" | sed "s#^#[[feed]]\nurl = \"http://127.0.0.1:$P/feeds/#; s#\$#\"\n#" > "$D/served.toml"
  cp "$D/tidings.db" "$D/base.db"
  hyperfine -w 1 -r 5 -n "refresh 100 feeds @$N" \
    -p "cp $D/base.db $D/tidings.db && rm -f $D/tidings.db-wal $D/tidings.db-shm" \
    "$TIDINGS --config $D/served.toml --data-dir $D refresh" | grep -E "Time|Range"
  cp "$D/base.db" "$D/tidings.db"; rm -f "$D/tidings.db-wal" "$D/tidings.db-shm"
  /usr/bin/time -f "peak RSS of that refresh: %M KiB" "$TIDINGS" --config "$D/served.toml" --data-dir "$D" refresh 2>&1 >/dev/null | tail -1
  rm -f "$D/base.db"
done
