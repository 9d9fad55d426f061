#!/usr/bin/env python3
"""Startup to listening, and RSS after N idle WebSocket connections, of one host command.

Usage: aot-footprint.py N CMD... (the command must print "listening on ws://127.0.0.1:PORT/").
Prints one JSON line: startup_ms (process start to the listening line), rss_start_kib,
rss_idle_kib (after N connections completed the handshake and the server settled).
"""
import asyncio, base64, json, os, re, subprocess, sys, time

def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

async def open_idle(port, n):
    conns = []
    for i in range(n):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        w.write(f"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
        await w.drain()
        head = await r.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head
        conns.append((r, w))
    return conns

def main():
    n = int(sys.argv[1])
    cmd = sys.argv[2:]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True)
    port = None
    while port is None:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the host exited before listening")
        m = re.search(r"listening on ws://127\.0\.0\.1:(\d+)/", line)
        if m:
            port = int(m.group(1))
    startup_ms = (time.perf_counter() - start) * 1000
    time.sleep(1)
    rss_start = rss_kib(proc.pid)
    loop = asyncio.new_event_loop()
    conns = loop.run_until_complete(open_idle(port, n))
    time.sleep(3)
    rss_idle = rss_kib(proc.pid)
    for _, w in conns:
        w.close()
    proc.terminate()
    proc.wait(timeout=30)
    print(json.dumps({"startup_ms": round(startup_ms, 1), "rss_start_kib": rss_start, "rss_idle_kib": rss_idle, "connections": n}))

main()
