#!/usr/bin/env bash
# Shows an article's picture the two ways a reader meets it, for the record in docs/:
#   docs/pictures-sixel.png       xterm -ti vt340 under Xvfb (Sixel), screenshot with xwd
#   docs/pictures-halfblocks.txt  tmux (no graphics protocol): the halfblock fallback
# Needs Debian's xvfb, xterm, xdotool, x11-apps and imagemagick (installed when missing).
# Every server it starts listens on 127.0.0.1 and is stopped by PID on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
for t in Xvfb:xvfb xterm:xterm xdotool:xdotool xwd:x11-apps convert:imagemagick tmux:tmux; do
    command -v "${t%%:*}" >/dev/null && [ "$(readlink -f "$(command -v "${t%%:*}")")" != /usr/local/bin/convert ] || need+=("${t##*:}")
done
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
cargo build --release --quiet
bin=$PWD/target/release/tidings
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; tmux kill-session -t tidings-pictures 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

mkdir -p "$work/www"
convert -size 480x270 gradient:'#1e90ff-#ff8c00' -fill white -draw 'circle 240,135 240,60' \
    -fill '#222' -draw 'rectangle 60,200 420,230' "$work/www/pic.png"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$work/www/feed.xml" <<XML
<?xml version="1.0"?>
<rss version="2.0"><channel><title>Pictures</title><link>http://127.0.0.1:$port/</link>
<item><title>A heron on the weir</title><link>http://127.0.0.1:$port/heron</link><guid>heron</guid>
<description><![CDATA[<p>The heron stood on the weir all morning, waiting.</p><figure><img src="/pic.png" width="480" height="270" alt="A heron"><figcaption>The heron, at dawn.</figcaption></figure><p>Then it flew off downstream, slowly, the way herons do, and the river went on without it.</p>]]></description></item>
</channel></rss>
XML
(cd "$work/www" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
pids+=($!)
printf '[settings]\nimages = "auto"\n\n[[feed]]\nurl = "http://127.0.0.1:%s/feed.xml"\nname = "Pictures"\n' "$port" > "$work/config.toml"
sleep 1

# Sixel: xterm as a VT340 on a virtual X display.
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 820x640x24 >/dev/null 2>&1 &
pids+=($!)
sleep 1
DISPLAY=$display xterm -ti vt340 -xrm 'XTerm*decTerminalID: vt340' -xrm 'XTerm*numColorRegisters: 256' \
    -xrm 'XTerm*allowSendEvents: true' -geometry 100x36+0+0 -fa 'DejaVu Sans Mono' -fs 10 \
    -e "$bin" --config "$work/config.toml" --data-dir "$work/sixel" &
pids+=($!)
sleep 3
win=$(DISPLAY=$display xdotool search --class xterm | head -1)
for k in Tab Return Return; do DISPLAY=$display xdotool key --window "$win" "$k"; sleep 1; done
sleep 2
DISPLAY=$display xwd -root -silent | convert xwd:- -crop 810x620+0+0 docs/pictures-sixel.png
DISPLAY=$display xdotool key --window "$win" Q

# Halfblocks: tmux passes no graphics protocol through.
tmux new-session -d -s tidings-pictures -x 100 -y 36 "$bin --config $work/config.toml --data-dir $work/tmux"
sleep 3
for k in Tab Enter Enter; do tmux send-keys -t tidings-pictures "$k"; sleep 1; done
sleep 2
tmux capture-pane -t tidings-pictures -p > docs/pictures-halfblocks.txt
tmux send-keys -t tidings-pictures Q
echo "wrote docs/pictures-sixel.png and docs/pictures-halfblocks.txt"
