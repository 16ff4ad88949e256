"""A fake IMAP mailbox (the external provider of the IMAP tests): enough of RFC 3501 for a
client that logs in, asks STATUS, selects, searches and fetches by UID. It records every
command so tests can check what Touchpoint asked for, and refuses what it must not do."""
import re
import socketserver
import threading


class Mailbox:
    def __init__(self, user, password, uidvalidity=7):
        self.user, self.password, self.uidvalidity = user, password, uidvalidity
        self.messages = {}  # uid -> raw bytes
        self.next_uid = 1
        self.commands, self.lock = [], threading.Lock()

    def add(self, raw):
        with self.lock:
            uid = self.next_uid
            self.messages[uid] = raw
            self.next_uid += 1
            return uid

    def renumber(self, uidvalidity):
        """What a server does when it rebuilds a mailbox: new UIDVALIDITY, new UIDs."""
        with self.lock:
            old = [self.messages[u] for u in sorted(self.messages)]
            self.uidvalidity, self.messages, self.next_uid = uidvalidity, {}, 1
        for raw in old:
            self.add(raw)

    def fetches(self, uid=None):
        with self.lock:
            return [c for c in self.commands if re.match(r"UID FETCH (\d+) BODY", c)
                    and (uid is None or c.split()[2] == str(uid))]


class Handler(socketserver.StreamRequestHandler):
    def send(self, text):
        self.wfile.write(text if isinstance(text, bytes) else text.encode())

    def handle(self):
        box = self.server.mailbox
        logged_in = selected = False
        self.send("* OK [CAPABILITY IMAP4rev1] fake mailbox ready\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
            command = rest.upper()
            with box.lock:
                box.commands.append(rest if not command.startswith("LOGIN") else "LOGIN")
            if command.startswith("CAPABILITY"):
                self.send(f"* CAPABILITY IMAP4rev1\r\n{tag} OK done\r\n")
            elif command.startswith("LOGIN"):
                args = re.findall(r'"((?:[^"\\]|\\.)*)"|(\S+)', rest[6:])
                user, password = [a or b for a, b in args][:2]
                if (user, password) == (box.user, box.password):
                    logged_in = True
                    self.send(f"{tag} OK logged in\r\n")
                else:
                    self.send(f"{tag} NO [AUTHENTICATIONFAILED] wrong credentials\r\n")
            elif command.startswith("LOGOUT"):
                self.send(f"* BYE\r\n{tag} OK bye\r\n")
                return
            elif command.startswith("NOOP"):
                self.send(f"{tag} OK\r\n")
            elif not logged_in:
                self.send(f"{tag} BAD log in first\r\n")
            elif command.startswith("STATUS"):
                with box.lock:
                    self.send(f"* STATUS INBOX (UIDVALIDITY {box.uidvalidity} UIDNEXT {box.next_uid})\r\n{tag} OK\r\n")
            elif command.startswith("SELECT") or command.startswith("EXAMINE"):
                selected = True
                with box.lock:
                    self.send(f"* {len(box.messages)} EXISTS\r\n* OK [UIDVALIDITY {box.uidvalidity}] UIDs valid\r\n"
                              f"* OK [UIDNEXT {box.next_uid}] next\r\n{tag} OK [READ-WRITE] selected\r\n")
            elif not selected:
                self.send(f"{tag} BAD select a mailbox first\r\n")
            elif m := re.match(r"UID SEARCH UID (\d+):\*$", command):
                with box.lock:
                    uids = [u for u in sorted(box.messages) if u >= int(m.group(1))] or \
                        ([max(box.messages)] if box.messages else [])  # n:* names the highest UID
                self.send(f"* SEARCH {' '.join(map(str, uids))}\r\n{tag} OK\r\n".replace("SEARCH \r", "SEARCH\r"))
            elif m := re.match(r"UID FETCH (\d+) BODY(?:\.PEEK)?\[\]$", command):
                with box.lock:
                    raw = box.messages.get(int(m.group(1)))
                if raw is None:
                    self.send(f"{tag} OK nothing\r\n")
                else:
                    self.send(f"* 1 FETCH (UID {m.group(1)} BODY[] {{{len(raw)}}}\r\n".encode() + raw + b")\r\n")
                    self.send(f"{tag} OK fetched\r\n")
            else:
                self.send(f"{tag} BAD not in this fake: {rest}\r\n")


class FakeImap(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox):
        super().__init__(("127.0.0.1", 0), Handler)
        self.mailbox = mailbox
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self):
        self.shutdown()
        self.server_close()
