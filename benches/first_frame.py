#!/usr/bin/env python3
"""Time to the first complete frame of a terminal program, measured from outside.

Starts the command in a pseudo-terminal (120x40), reads what it draws, and stops the clock when
the output matches --wait (a regex over the output with escape sequences removed). Then reads
the process's peak RSS (VmHWM) and sends --quit. Prints one line per run and a summary.

    first_frame.py --runs 10 --wait 'All unread \\(\\d+\\)' --quit Q -- tidings --config C --data-dir D
"""
import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import sys
import termios
import time

ESC = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def one_run(cmd, wait, quit_keys, timeout):
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    start = time.perf_counter()
    buf = b""
    pattern = re.compile(wait.encode())
    elapsed = None
    while time.perf_counter() - start < timeout:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            buf += chunk
            if pattern.search(ESC.sub(b"", buf)):
                elapsed = time.perf_counter() - start
                break
    rss_kib = None
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    rss_kib = int(line.split()[1])
    except OSError:
        pass
    os.write(fd, quit_keys.encode())
    deadline = time.time() + 5
    while time.time() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        try:
            select.select([fd], [], [], 0.05)
            os.read(fd, 65536)
        except OSError:
            pass
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)
    if elapsed is None:
        tail = ESC.sub(b"", buf)[-400:].decode(errors="replace")
        sys.exit(f"no match for {wait!r} within {timeout}s; last output: {tail!r}")
    return elapsed, rss_kib


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--wait", required=True)
    ap.add_argument("--quit", default="q")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--name", default=None)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    times, rss = [], []
    for _ in range(a.runs):
        t, r = one_run(cmd, a.wait, a.quit, a.timeout)
        times.append(t * 1000)
        if r:
            rss.append(r / 1024)
    name = a.name or os.path.basename(cmd[0])
    print(f"{name}: first frame median {statistics.median(times):.1f} ms "
          f"(min {min(times):.1f}, max {max(times):.1f}, {a.runs} runs); "
          f"peak RSS median {statistics.median(rss) if rss else float('nan'):.1f} MiB")


if __name__ == "__main__":
    main()
