"""The command line as an admin uses it: serve, migrate, backup, agent add."""
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import unittest

from harness import API_CONFIG, Touchpoint, post_message, temp_dir

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/touchpoint"


def schema_version():
    """The schema version this source tree builds (storage/schema.hpp)."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "..", "storage", "schema.hpp")) as f:
        for line in f:
            if "kSchemaVersion =" in line:
                return int(line.split("=")[1].strip(" ;\n"))
    raise AssertionError("kSchemaVersion not found")


def run(*args, stdin=None, env=None):
    return subprocess.run([BINARY, *args], input=stdin, capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, **(env or {})))


class CliTest(unittest.TestCase):
    def setUp(self):
        self.dir = temp_dir()
        self.data = self.dir + "/data"

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_first_start_prints_a_random_admin_password_once(self):
        server = Touchpoint(BINARY, self.data)
        self.assertEqual(server.terminate(), 0)
        self.assertIn(b"admin@localhost with password: ", server.output)
        again = Touchpoint(BINARY, self.data)
        self.assertEqual(again.terminate(), 0)
        self.assertNotIn(b"password", again.output)

    def test_admin_from_environment_and_its_password_is_never_printed(self):
        server = Touchpoint(BINARY, self.data, extra_env={
            "TOUCHPOINT_ADMIN_EMAIL": "boss@example.com",
            "TOUCHPOINT_ADMIN_PASSWORD": "correct horse battery"})
        self.assertEqual(server.terminate(), 0)
        self.assertIn(b"boss@example.com", server.output)
        self.assertNotIn(b"correct horse", server.output)
        db = sqlite3.connect(self.data + "/touchpoint.db")
        (h,) = db.execute("SELECT password_hash FROM agents WHERE email='boss@example.com'").fetchone()
        self.assertTrue(h.startswith("$argon2id$"))

    def test_sigterm_finishes_and_exits_zero_and_logs_each_listener(self):
        server = Touchpoint(BINARY, self.data, API_CONFIG)
        status, body = post_message(server.connection(), "m1", "c1")
        self.assertEqual(status, 200)
        self.assertEqual(server.terminate(), 0)
        self.assertIn(b"http listening on 127.0.0.1:", server.output)
        self.assertIn(b"stopped", server.output)

    def test_a_taken_port_is_a_clear_error(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        r = run("serve", "--data", self.data, "--http", f"127.0.0.1:{port}")
        s.close()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("cannot listen for http on 127.0.0.1:%d" % port, r.stderr)

    def test_an_unusable_data_directory_is_a_clear_error(self):
        path = self.dir + "/file"
        open(path, "w").close()
        r = run("serve", "--data", path, "--http", "127.0.0.1:0")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("data directory", r.stderr)

    def test_a_bad_config_file_is_a_clear_error(self):
        cfg = self.dir + "/bad.toml"
        with open(cfg, "w") as f:
            f.write('[[channel]]\ntype = "api"\nname = "crm"\n')
        r = run("serve", "--data", self.data, "--config", cfg)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("needs token", r.stderr)

    def test_migrate_is_idempotent(self):
        for _ in range(2):
            r = run("migrate", "--data", self.data)
            self.assertEqual(r.returncode, 0, r.stderr)
        db = sqlite3.connect(self.data + "/touchpoint.db")
        self.assertEqual(db.execute("PRAGMA user_version").fetchone()[0], schema_version())
        self.assertEqual(db.execute("PRAGMA journal_mode").fetchone()[0], "wal")

    def test_agent_add_reads_the_password_from_stdin_and_refuses_duplicates(self):
        r = run("agent", "add", "--data", self.data, "--email", "Ann@Example.com", "--name", "Ann",
                "--role", "supervisor", "--password-stdin", stdin="a long password\n")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("a long password", r.stdout)
        db = sqlite3.connect(self.data + "/touchpoint.db")
        self.assertEqual(db.execute("SELECT role FROM agents WHERE email='ann@example.com'").fetchone(),
                         ("supervisor",))
        again = run("agent", "add", "--data", self.data, "--email", "ann@example.com", "--name",
                    "Ann", "--role", "agent")
        self.assertNotEqual(again.returncode, 0)
        self.assertIn("already exists", again.stderr)
        bad_role = run("agent", "add", "--data", self.data, "--email", "b@example.com", "--name",
                       "B", "--role", "boss")
        self.assertNotEqual(bad_role.returncode, 0)

    def test_backup_while_serving_is_a_consistent_copy(self):
        server = Touchpoint(BINARY, self.data, API_CONFIG)
        conn = server.connection()
        for i in range(20):
            self.assertEqual(post_message(conn, f"m{i}", "c1")[0], 200)
        out = self.dir + "/backup.db"
        r = run("backup", "--data", self.data, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(server.terminate(), 0)
        db = sqlite3.connect(out)
        self.assertEqual(db.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        self.assertEqual(db.execute("SELECT count(*) FROM messages").fetchone()[0], 20)


if __name__ == "__main__":
    unittest.main(verbosity=2)
