"""A real MTA in front of the LMTP listener: Postfix from Debian, in a private instance (its
own config, queue and log under a temp directory), relays mail for acme.test to Touchpoint by
LMTP, as a production Postfix with `relay_transport = lmtp:inet:...` would.

Needs root (Postfix's master runs as root and its daemons as the postfix user); scripts/test
runs as root and scripts/deps installs Postfix for it.
"""
import os
import shutil
import smtplib
import socket
import sqlite3
import subprocess
import sys
import time
import unittest

from harness import Touchpoint, temp_dir

BINARY = sys.argv.pop(1) if len(sys.argv) > 1 else "build/touchpoint"
POSTFIX = "/usr/sbin/postfix"

CONFIG = """
[[channel]]
type = "email"
name = "support"
address = "support@acme.test"
"""

MAIN_CF = """compatibility_level = 3.6
queue_directory = {dir}/spool
data_directory = {dir}/data
command_directory = /usr/sbin
daemon_directory = /usr/lib/postfix/sbin
shlib_directory = /usr/lib/postfix
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.acme.test
mydomain = acme.test
myorigin = acme.test
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relay_domains = acme.test
relay_recipient_maps =
relay_transport = lmtp:inet:127.0.0.1:{lmtp_port}
mynetworks = 127.0.0.0/8
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
maillog_file_prefixes = {dir}
maillog_file = {dir}/maillog
smtputf8_enable = no
biff = no
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
"""

MASTER_CF = """127.0.0.1:{smtp_port} inet n - n - - smtpd
pickup    unix  n - n 60    1 pickup
cleanup   unix  n - n -     0 cleanup
qmgr      unix  n - n 300   1 qmgr
rewrite   unix  - - n -     - trivial-rewrite
bounce    unix  - - n -     0 bounce
defer     unix  - - n -     0 bounce
trace     unix  - - n -     0 bounce
verify    unix  - - n -     1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -     - proxymap
smtp      unix  - - n -     - smtp
relay     unix  - - n -     - smtp
showq     unix  n - n -     - showq
error     unix  - - n -     - error
retry     unix  - - n -     - error
discard   unix  - - n -     - discard
lmtp      unix  - - n -     - lmtp
anvil     unix  - - n -     1 anvil
scache    unix  - - n -     1 scache
postlog   unix-dgram n - n - 1 postlogd
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@unittest.skipUnless(os.geteuid() == 0 and os.path.exists(POSTFIX),
                     "needs root and Debian's postfix (scripts/test has both)")
class PostfixTest(unittest.TestCase):
    def setUp(self):
        self.dir = temp_dir()
        os.chmod(self.dir, 0o755)  # Postfix's daemons run as the postfix user
        self.data = self.dir + "/data-tp"
        self.lmtp_port, self.smtp_port = free_port(), free_port()
        self.pf = self.dir + "/postfix"
        for sub in ("etc", "spool", "data"):
            os.makedirs(f"{self.pf}/{sub}")
        shutil.chown(f"{self.pf}/data", "postfix")
        with open(f"{self.pf}/etc/main.cf", "w") as f:
            f.write(MAIN_CF.format(dir=self.pf, lmtp_port=self.lmtp_port))
        with open(f"{self.pf}/etc/master.cf", "w") as f:
            f.write(MASTER_CF.format(smtp_port=self.smtp_port))
        self.postfix("start")
        self.server = None

    def tearDown(self):
        self.postfix("stop")
        if self.server and self.server.proc.poll() is None:
            self.server.terminate()
        shutil.rmtree(self.dir, ignore_errors=True)

    def postfix(self, *args):
        # Postfix's own commands log to syslog or a TTY: on failure, the instance's log says why.
        result = subprocess.run([POSTFIX, "-c", f"{self.pf}/etc", *args], capture_output=True, text=True)
        if result.returncode != 0 and args[0] != "stop":
            self.fail(f"postfix {' '.join(args)} failed: {result.stdout}{result.stderr}{self.maillog()}")

    def maillog(self):
        try:
            with open(f"{self.pf}/maillog") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def start_touchpoint(self):
        self.server = Touchpoint(BINARY, self.data, CONFIG, args=("--smtp", "127.0.0.1:0", "--lmtp",
                                                                   f"127.0.0.1:{self.lmtp_port}"),
                                 listeners=("http", "lmtp"))

    def submit(self, message_id, to="support@acme.test"):
        deadline = time.monotonic() + 30
        while True:  # Postfix's smtpd may still be starting
            try:
                with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as s:
                    s.sendmail("ada@example.org", [to],
                               f"From: Ada <ada@example.org>\r\nTo: {to}\r\nSubject: Via Postfix\r\n"
                               f"Message-ID: <{message_id}>\r\n\r\nRelayed by a real MTA.\r\n")
                return
            except (ConnectionRefusedError, smtplib.SMTPServerDisconnected):
                self.assertLess(time.monotonic(), deadline, self.maillog())
                time.sleep(0.1)

    def stored(self, message_id):
        if not os.path.exists(f"{self.data}/touchpoint.db"):
            return []
        with sqlite3.connect(f"file:{self.data}/touchpoint.db?mode=ro", uri=True) as c:
            return c.execute("SELECT body, raw_sha256 FROM messages WHERE external_id = ?", (message_id,)).fetchall()

    def wait_for_log(self, text, timeout=60):
        deadline = time.monotonic() + timeout
        while text not in self.maillog():
            self.assertLess(time.monotonic(), deadline, f"{text!r} never logged:\n{self.maillog()}")
            time.sleep(0.1)

    def test_postfix_relays_into_the_lmtp_listener_and_holds_mail_while_touchpoint_is_down(self):
        # Touchpoint down: Postfix keeps the mail (LMTP unreachable is a temporary failure).
        self.submit("held@example.org")
        self.wait_for_log("status=deferred")
        self.start_touchpoint()
        self.postfix("flush")
        deadline = time.monotonic() + 60
        while not self.stored("held@example.org"):
            self.assertLess(time.monotonic(), deadline, self.maillog())
            time.sleep(0.1)
        # Then mail flows straight through, and its raw form carries Postfix's trace.
        self.submit("direct@example.org")
        self.wait_for_log("delivered as")
        deadline = time.monotonic() + 60
        while not self.stored("direct@example.org"):
            self.assertLess(time.monotonic(), deadline, self.maillog())
            time.sleep(0.1)
        body, sha = self.stored("direct@example.org")[0]
        self.assertEqual(body, "Relayed by a real MTA.")
        with open(f"{self.data}/attachments/{sha[:2]}/{sha[2:4]}/{sha}", "rb") as f:
            raw = f.read()
        self.assertIn(b"by mx.acme.test (Postfix)", raw)
        self.assertIn(b"with LMTP", raw)
        self.assertEqual(len(self.stored("held@example.org")), 1)
        # An address no channel owns: our 550 makes Postfix bounce it; nothing is stored.
        self.submit("stranger@example.org", to="nobody@acme.test")
        self.wait_for_log("status=bounced")
        self.assertEqual(self.stored("stranger@example.org"), [])
        self.assertIn("nobody@acme.test", self.maillog().split("status=bounced")[0].splitlines()[-1])


if __name__ == "__main__":
    unittest.main()
