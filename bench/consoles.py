#!/usr/bin/env python3
"""Holds N agents' live consoles open against a running Touchpoint (scripts/bench routing):
creates the agents through the API as the admin, signs each in, opens /api/v1/live, and reads
(and discards) everything the server pushes, so presence counts them online and nobody is
dropped for not reading. Prints "ready" once every console got its hello; runs until killed."""
import argparse
import base64
import http.client
import json
import os
import socket
import threading
import time


def call(port, method, path, body=None, token=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    res = conn.getresponse()
    out = json.loads(res.read() or b"null")
    conn.close()
    return res.status, out


def console(port, token, ready):
    s = socket.create_connection(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /api/v1/live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
               f"Authorization: Bearer {token}\r\n\r\n").encode())
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(4096)
    ready.release()
    while s.recv(1 << 16):
        pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--agents", type=int, default=50)
    p.add_argument("--admin-email", required=True)
    p.add_argument("--admin-password", required=True)
    a = p.parse_args()
    _, login = call(a.port, "POST", "/api/v1/auth/login", {"email": a.admin_email, "password": a.admin_password})
    admin = login["token"]
    tokens = []
    for i in range(a.agents):
        email = f"bench-agent-{i}@bench.test"
        call(a.port, "POST", "/api/v1/agents",
             {"email": email, "name": f"Agent {i}", "role": "agent", "password": "bench-password-1"}, admin)
        _, login = call(a.port, "POST", "/api/v1/auth/login", {"email": email, "password": "bench-password-1"})
        tokens.append(login["token"])
    ready = threading.Semaphore(0)
    for t in tokens:
        threading.Thread(target=console, args=(a.port, t, ready), daemon=True).start()
    for _ in tokens:
        ready.acquire()
    time.sleep(0.5)
    print("ready", flush=True)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
