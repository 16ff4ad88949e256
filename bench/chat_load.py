#!/usr/bin/env python3
"""scripts/bench chat: web chat at scale against a running Touchpoint. Opens VISITORS chat tabs
(each from one of many 127.x.y.1 loopback addresses, so the per-address connection limit
applies as it would to real visitors), prints the server's RSS with them connected, then sends
RATE visitor messages a second spread over them for SECONDS and prints ack latencies (send to
ack, which comes after the COMMIT), then has agents reply to REPLIES of those tickets through
the API and prints reply-to-visitor latencies (the API's answer to the frame in the tab).
Prints figures; asserts nothing."""
import argparse
import asyncio
import base64
import json
import os
import random
import time

from consoles import call  # the API as the admin: one JSON call


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))] * 1000 if xs else float("nan")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Tab:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.waiting = {}  # client_id -> send time
        self.seen = {}     # message text -> arrival time (agent lines)

    async def frame(self):
        b0, b1 = await self.reader.readexactly(2)
        n = b1 & 0x7F
        if n == 126:
            n = int.from_bytes(await self.reader.readexactly(2), "big")
        elif n == 127:
            n = int.from_bytes(await self.reader.readexactly(8), "big")
        return b0 & 0x0F, await self.reader.readexactly(n)

    def send(self, obj, opcode=0x1):
        payload = json.dumps(obj).encode() if opcode == 0x1 else obj
        mask = os.urandom(4)
        n = len(payload)
        head = bytes([0x80 | opcode]) + (bytes([0x80 | n]) if n < 126 else bytes([0xFE]) + n.to_bytes(2, "big"))
        self.writer.write(head + mask + bytes(p ^ mask[i % 4] for i, p in enumerate(payload)))


async def open_tab(port, i):
    source = f"127.{1 + i // 50000}.{(i // 200) % 250}.1"  # 200 tabs per address
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
    key = base64.b64encode(os.urandom(16)).decode()
    writer.write((f"GET /chat/ws?website_token=wt_bench HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                  f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\nOrigin: https://shop.bench\r\n\r\n").encode())
    head = await reader.readuntil(b"\r\n\r\n")
    if b" 101 " not in head.split(b"\r\n")[0]:
        raise RuntimeError(head.split(b"\r\n")[0].decode())
    tab = Tab(reader, writer)
    tab.send({"type": "hello", "visitor_token": None, "after": 0})
    return tab


async def listen(tab, acks):
    try:
        while True:
            op, payload = await tab.frame()
            now = time.perf_counter()
            if op == 0x9:
                tab.send(payload, 0xA)
                continue
            if op != 0x1:
                continue
            f = json.loads(payload)
            if f["type"] == "ack" and f["client_id"] in tab.waiting:
                acks.append(now - tab.waiting.pop(f["client_id"]))
            elif f["type"] == "message" and f["author"] == "agent":
                tab.seen[f["text"]] = now
    except (asyncio.IncompleteReadError, ConnectionError):
        pass


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--visitors", type=int, default=10000)
    ap.add_argument("--rate", type=int, default=500)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--replies", type=int, default=500)
    a = ap.parse_args()

    rss_before = rss_mb(a.pid)
    t0 = time.perf_counter()
    tabs = []
    for start in range(0, a.visitors, 500):
        tabs += await asyncio.gather(*(open_tab(a.port, i) for i in range(start, min(a.visitors, start + 500))))
    for tab in tabs:  # the welcome
        op, payload = await tab.frame()
        assert json.loads(payload)["type"] == "welcome"
    opened = time.perf_counter() - t0
    acks = []
    listeners = [asyncio.create_task(listen(t, acks)) for t in tabs]
    await asyncio.sleep(1)
    print(f"== chat: {a.visitors} visitors connected in {opened:.1f} s; server RSS {rss_mb(a.pid):.0f} MB "
          f"(before: {rss_before:.0f} MB)")

    # Visitor messages at a fixed rate over random tabs.
    sent, cpu0 = 0, time.process_time()
    t0 = time.perf_counter()
    total = a.rate * a.seconds
    talkers = {}
    while sent < total:
        due = t0 + sent / a.rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        i = random.randrange(len(tabs))
        cid = f"m{sent}"
        tabs[i].waiting[cid] = time.perf_counter()
        tabs[i].send({"type": "message", "client_id": cid, "text": f"visitor v{i} message {sent}"})
        talkers.setdefault(i, sent)
        sent += 1
    deadline = time.perf_counter() + 30
    while len(acks) < total and time.perf_counter() < deadline:
        await asyncio.sleep(0.1)
    elapsed = time.perf_counter() - t0
    print(f"   visitor messages: {total} at {a.rate}/s offered, {len(acks)} acked in {elapsed:.1f} s "
          f"({len(acks) / elapsed:.0f}/s); ack p50 {pct(acks, .5):.1f} ms, p99 {pct(acks, .99):.1f} ms, "
          f"max {pct(acks, 1):.1f} ms; load generator CPU {time.process_time() - cpu0:.1f} s")

    # Agent replies to a sample of the tickets, through the API.
    status, body = call(a.port, "POST", "/api/v1/auth/login",
                        {"email": "admin@bench.test", "password": "bench-admin-password"})
    token = body["token"]
    by_visitor = {}
    cursor = None
    while len(by_visitor) < min(a.replies, len(talkers)):
        path = "/api/v1/tickets?status=new,open&limit=100" + (f"&cursor={cursor}" if cursor else "")
        status, page = await asyncio.to_thread(call, a.port, "GET", path, None, token)
        for t in page["tickets"]:
            v = int(t["subject"].split()[1][1:])
            by_visitor[v] = t["id"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    sample = list(by_visitor.items())[: a.replies]
    delivered = []

    def reply(v, ticket, n):
        text = f"agent reply {n}"
        status, _ = call(a.port, "POST", f"/api/v1/tickets/{ticket}/messages",
                         {"body": text, "force": True}, token)
        return v, text, time.perf_counter(), status

    results = []
    for n, (v, ticket) in enumerate(sample):
        results.append(asyncio.create_task(asyncio.to_thread(reply, v, ticket, n)))
        await asyncio.sleep(1 / 50)  # 50 replies a second
    done = await asyncio.gather(*results)
    await asyncio.sleep(2)
    for v, text, answered, status in done:
        if text in tabs[v].seen:
            delivered.append(max(0.0, tabs[v].seen[text] - answered))
    print(f"   agent replies: {len(done)} at 50/s, {len(delivered)} delivered to the visitor's tab; "
          f"API answer → frame in the tab p50 {pct(delivered, .5):.1f} ms, p99 {pct(delivered, .99):.1f} ms")
    print(f"   server RSS at the end {rss_mb(a.pid):.0f} MB")
    for t in listeners:
        t.cancel()


asyncio.run(main())
