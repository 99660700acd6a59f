#!/usr/bin/env bash
# What rules cost at ingest: a cold refresh of the FEEDS x ITEMS corpus (one loopback
# ../shared/bench/serve.py, no added latency, so the run is CPU-bound) with no rules and with
# 50 rules (every action, scope and field, words, phrases, exclusions, OR and regexes), the two
# runs alternated so machine noise hits both alike.
#
#   benches/rules.sh [FEEDS] [ITEMS] [RUNS]      (defaults: 200 50 7)
#
# Needs: python3, /usr/bin/time (apt-get install -y time), bc.
set -euo pipefail
FEEDS=${1:-200}; ITEMS=${2:-50}; RUNS=${3:-7}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
KIT=$(cd "$ROOT/../shared/bench" && pwd)
TIDINGS=${TIDINGS:-$ROOT/target/release/tidings}
[ -n "${TIDINGS_PREBUILT:-}" ] || (cd "$ROOT" && cargo build --release --quiet)
W=$(mktemp -d /tmp/tidings-rules.XXXXXX)
echo "scratch: $W"
python3 "$KIT/gen_corpus.py" --feeds "$FEEDS" --items "$ITEMS" --out "$W/corpus" --quiet
python3 "$KIT/serve.py" --root "$W/corpus" --latency-ms 0 --port-file "$W/port" --max-seconds 7200 >"$W/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$W/port" ] && break; sleep 0.05; done
P=$(cat "$W/port")

# Feeds named F0.. with one of five tags each, so tag: and feed: scopes have something to cut.
i=0
: > "$W/none.toml"
for f in $(ls "$W/corpus/feeds"); do
  printf '[[feed]]\nurl = "http://127.0.0.1:%s/feeds/%s"\nname = "F%d"\ntags = ["t%d"]\n\n' \
    "$P" "$f" "$i" $(( i % 5 )) >> "$W/none.toml"
  i=$(( i + 1 ))
done
cp "$W/none.toml" "$W/fifty.toml"
WORDS=(podcast redesign wetlands parser city water budget election council transit
       school climate housing bridge library museum festival river energy court)
rule() { printf '[[rule]]\nname = "%s"\nmatch = '"'"'%s'"'"'\nscope = "%s"\n%s\n\n' "$@" >> "$W/fifty.toml"; }
for n in $(seq 0 49); do
  w=${WORDS[$(( n % ${#WORDS[@]} ))]}
  w2=${WORDS[$(( (n * 7 + 3) % ${#WORDS[@]} ))]}
  case $(( n % 10 )) in
    0) rule "r$n" "$w" global 'action = "hide"' ;;
    1) rule "r$n" "title:$w -$w2" "tag:t$(( n % 5 ))" 'action = "mark_read"' ;;
    2) rule "r$n" "\"$w $w2\" OR title:$w2" global 'action = "star"' ;;
    3) rule "r$n" "content:$w" "feed:F$(( n * 3 ))" 'tag = "picked"' ;;
    4) rule "r$n" "title:/\\b${w}s?\\b/" global 'action = "hide"' ;;
    5) rule "r$n" "author:a$n OR category:$w" "tag:t$(( n % 5 ))" 'action = "mark_read"' ;;
    6) rule "r$n" "link:/[0-9]{3}$/ $w" global 'tag = "numbered"' ;;
    7) rule "r$n" "$w" "feed:F$(( n + 1 ))" 'action = "keep_only"' ;;
    8) rule "r$n" "enclosure:audio $w2" global 'action = "star"' ;;
    9) rule "r$n" "/$w.*$w2/" "tag:t$(( n % 5 ))" 'action = "hide"' ;;
  esac
done

# shellcheck source=benches/common.sh
. "$HERE/common.sh"
echo "== cold refresh of $FEEDS x $ITEMS, no rules against 50 rules, $RUNS runs each, alternated"
: > "$W/none.cpu"; : > "$W/fifty.cpu"
for r in $(seq "$RUNS"); do
  for c in none fifty; do
    rm -rf "$W/td-$c"
    /usr/bin/time -f "%U %S" -o "$W/t" "$TIDINGS" --config "$W/$c.toml" --data-dir "$W/td-$c" refresh >/dev/null 2>&1
    read -r u s < "$W/t"; echo "$u + $s" | bc >> "$W/$c.cpu"
  done
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
a=$(median "$W/none.cpu"); b=$(median "$W/fifty.cpu")
echo "no rules:  CPU $(sort -n "$W/none.cpu" | tr '\n' ' ') s; median $a s"
echo "50 rules:  CPU $(sort -n "$W/fifty.cpu" | tr '\n' ' ') s; median $b s"
echo "ratio (50 rules / none): $(echo "scale=3; $b / $a" | bc)"
echo "== what the rules did (last run)"
echo "stored: $("$TIDINGS" --config "$W/fifty.toml" --data-dir "$W/td-fifty" list --hidden --count)," \
     "shown: $("$TIDINGS" --config "$W/fifty.toml" --data-dir "$W/td-fifty" list --count)," \
     "unread: $("$TIDINGS" --config "$W/fifty.toml" --data-dir "$W/td-fifty" list --unread --count)," \
     "starred: $("$TIDINGS" --config "$W/fifty.toml" --data-dir "$W/td-fifty" list --starred --count)"
"$TIDINGS" --config "$W/fifty.toml" --data-dir "$W/td-fifty" rules | grep -c " 0 matches" | sed 's/^/rules matching nothing in 30 days: /' || true
