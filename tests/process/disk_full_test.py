"""A data disk that fills up, on the real binary (issue #11, item 19): ingest answers 503 with
Retry-After, /healthz says the store cannot take writes, and once space returns both recover
without a restart; every message that was acknowledged is in the store afterwards.

The disk is a small tmpfs mounted for the test (needs root, as scripts/test runs).

usage: disk_full_test.py path/to/touchpoint
"""
import base64
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import unittest

from harness import API_CONFIG, Touchpoint, temp_dir

BINARY = None
DISK_MB = 48
RESERVE_MB = 8


class DiskFullTest(unittest.TestCase):
    def setUp(self):
        self.mount = temp_dir()
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", self.mount],
                           capture_output=True, text=True)
        if r.returncode != 0:
            self.skipTest("cannot mount a tmpfs here (needs root): " + r.stderr.strip())
        self.data = os.path.join(self.mount, "data")
        self.filler = os.path.join(self.mount, "filler")
        self.server = None

    def tearDown(self):
        if self.server:
            self.server.terminate()
        subprocess.run(["umount", self.mount])
        shutil.rmtree(self.mount, ignore_errors=True)

    def start(self):
        config = API_CONFIG + f"\n[server]\nmin_free_disk_mb = {RESERVE_MB}\n"
        self.server = Touchpoint(BINARY, self.data, config)

    def post(self, i):
        conn = self.server.connection()
        body = json.dumps({"message_id": f"disk-{i}", "text": f"message {i}", "from": {"id": f"c-{i}"},
                           "attachments": [{"filename": f"f{i}.bin", "content_type": "application/octet-stream",
                                            "content_base64": base64.b64encode(os.urandom(512 << 10)).decode()}]})
        conn.request("POST", "/webhooks/api/crm", body,
                     {"Content-Type": "application/json", "Authorization": "Bearer s3cret"})
        res = conn.getresponse()
        answer = res.status, dict(res.getheaders()), res.read()
        conn.close()
        return answer

    def health(self):
        conn = self.server.connection()
        conn.request("GET", "/healthz")
        res = conn.getresponse()
        answer = res.status, res.read()
        conn.close()
        return answer

    def test_a_full_disk_refuses_writes_says_so_and_recovers_without_restart(self):
        self.start()
        with open(self.filler, "wb") as f:  # room we can give back later
            f.write(b"\0" * (12 << 20))
        self.assertEqual(self.health()[0], 200)
        acked, refused = [], None
        for i in range(200):
            status, headers, body = self.post(i)
            if status == 200:
                acked.append(i)
                continue
            self.assertEqual(status, 503, body)
            self.assertIn("Retry-After", headers)
            refused = i
            break
        self.assertIsNotNone(refused, "the disk never filled")
        self.assertGreater(len(acked), 5)
        status, body = self.health()
        self.assertEqual(status, 503, "healthz must say what ingest sees")
        self.assertIn(b"free-space reserve", body)

        os.remove(self.filler)  # the operator makes room; no restart
        self.assertEqual(self.health()[0], 200)
        status, _, body = self.post(refused)  # the sender's retry
        self.assertEqual(status, 200, body)
        acked.append(refused)

        self.assertEqual(self.server.terminate(), 0)
        self.server = None
        db = sqlite3.connect(os.path.join(self.data, "touchpoint.db"))
        stored = {row[0] for row in db.execute("SELECT external_id FROM messages")}
        db.close()
        self.assertEqual(stored, {f"disk-{i}" for i in acked})


if __name__ == "__main__":
    BINARY = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
