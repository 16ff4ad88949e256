"""Starts the real touchpoint binary and talks to it over loopback, as users and providers do."""
import http.client
import json
import os
import re
import select
import signal
import subprocess
import socket
import tempfile
import threading
import time

LISTEN_RE = re.compile(rb"(\w+) listening on [\d.]+:(\d+)")


class Touchpoint:
    """`touchpoint serve` on an ephemeral port. Waits for its 'listening' log line (no sleeps)."""

    def __init__(self, binary, data_dir, config_text=None, extra_env=None, args=(), listeners=("http",),
                 preexec_fn=None, prefix=(), http="127.0.0.1:0"):
        self.binary, self.data_dir = binary, data_dir
        cmd = [*prefix, binary, "serve", "--data", data_dir, "--http", http, *args]
        if config_text is not None:
            cfg = os.path.join(data_dir + "-config.toml")
            with open(cfg, "w") as f:
                f.write(config_text)
            cmd += ["--config", cfg]
        env = dict(os.environ, **(extra_env or {}))
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                     preexec_fn=preexec_fn)
        self.output = b""
        self.ports = {}  # listener name ("http", "smtp", "lmtp") -> port
        deadline = time.monotonic() + 30
        while not all(name in self.ports for name in listeners):
            line = self._readline(deadline)
            if line is None:
                raise RuntimeError("server did not start: " + self.output.decode(errors="replace"))
            m = LISTEN_RE.search(line)
            if m:
                self.ports[m.group(1).decode()] = int(m.group(2))
        self.port = self.ports["http"]

    def _readline(self, deadline):
        buf = b""
        while not buf.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self.proc.stdout], [], [], remaining)
            if not ready:
                return None
            ch = os.read(self.proc.stdout.fileno(), 1)
            if not ch:
                return None
            buf += ch
        self.output += buf
        return buf

    def drain_output(self):
        """What the server logged since the last read, without blocking."""
        while True:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0)
            if not ready:
                return self.output
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                return self.output
            self.output += chunk

    def connection(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def terminate(self):
        self.proc.send_signal(signal.SIGTERM)
        rest, _ = self.proc.communicate(timeout=60)
        self.output += rest
        return self.proc.returncode


API_CONFIG = """
[[channel]]
type = "api"
name = "crm"
token = "s3cret"
"""


def post_message(conn, message_id, customer, text="hello", thread=None, **fields):
    """A message through the API channel "crm" (fields: subject, html, ...): (status, body)."""
    body = {"message_id": message_id, "text": text, "from": {"id": customer}, **fields}
    if thread:
        body["thread"] = thread
    conn.request("POST", "/webhooks/api/crm", json.dumps(body),
                 {"Content-Type": "application/json", "Authorization": "Bearer s3cret"})
    res = conn.getresponse()
    return res.status, json.loads(res.read() or b"{}")


def api_call(server, method, path, body=None, token=None):
    """One call to the agents' API as JSON: (status, decoded body or None)."""
    conn = server.connection()
    headers = {"Authorization": "Bearer " + token} if token else {}
    if body is not None:
        headers["Content-Type"] = "application/json"
    conn.request(method, path, json.dumps(body) if body is not None else None, headers)
    res = conn.getresponse()
    out = res.status, json.loads(res.read() or b"null")
    conn.close()
    return out


def sign_in(server, email="boss@acme.test", password="boss-password-1"):
    """A session token for the agent (the tests' admin by default)."""
    status, body = api_call(server, "POST", "/api/v1/auth/login", {"email": email, "password": password})
    if status != 200:
        raise AssertionError(f"sign in as {email}: {status} {body}")
    return body["token"]


def temp_dir():
    return tempfile.mkdtemp(prefix="touchpoint-proc-")


class Sink:
    """An SMTP server (aiosmtpd's handler) our mail is submitted to: records what arrives, or
    answers with a scripted refusal first."""

    def __init__(self):
        self.messages, self.script, self.cond = [], [], threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        with self.cond:
            if self.script:
                return self.script.pop(0)
            self.messages.append(envelope)
            self.cond.notify_all()
        return "250 2.0.0 queued"

    def wait_for(self, n, timeout=30):
        with self.cond:
            self.cond.wait_for(lambda: len(self.messages) >= n, timeout)
            return list(self.messages)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_fails(binary, data_dir, config_text):
    """Runs `serve` with this config, which must stop it at start: answers its exit code and output."""
    cfg = data_dir + "-bad.toml"
    with open(cfg, "w") as f:
        f.write(config_text)
    run = subprocess.run([binary, "serve", "--data", data_dir, "--http", "127.0.0.1:0", "--config", cfg],
                         capture_output=True, timeout=60)
    return run.returncode, (run.stdout + run.stderr).decode()
