#!/usr/bin/env python3
# Times `tidings mark` in a loop while a refresh runs: python3 benches/markloop.py CONFIG ROUNDS
# (run in a folder holding big.xml served over HTTP and a data dir d4; see SECURITY.md).
import subprocess, time, sys
import os
T=os.environ.get("TIDINGS", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "target", "release", "tidings")); cfg=sys.argv[1]; rounds=int(sys.argv[2])
waits=[]; fails=0
for r in range(rounds):
    if r: 
        subprocess.run(["sed","-i",f"s/<guid>[a-z]*{r-1}x/<guid>{r}x/g","big.xml"])
    p = subprocess.Popen([T,"--config",cfg,"--data-dir","d4","refresh"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while p.poll() is None:
        t=time.monotonic()
        rr=subprocess.run([T,"--config",cfg,"--data-dir","d4","mark","1","--read" if len(waits)%2==0 else "--unread"],capture_output=True)
        if rr.returncode!=0: fails+=1; print(rr.stderr.decode()[:200])
        waits.append(time.monotonic()-t)
    print(p.communicate()[0].decode().strip().splitlines()[-1])
waits.sort()
print(f"marks {len(waits)} failed {fails} median {waits[len(waits)//2]*1000:.0f} ms p99 {waits[int(len(waits)*0.99)]*1000:.0f} ms max {waits[-1]*1000:.0f} ms")
