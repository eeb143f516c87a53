"""Mail leaves with STARTTLS unless the SMTP server is on this machine's
loopback: to any other host, a server that offers no STARTTLS gets no
message, unless the settings turn TLS off explicitly."""

import socket
import subprocess
import threading

import pytest

from conftest import enqueue, redis_raw, wait_for


class PlainSmtp:
    """An SMTP server without STARTTLS that records the commands."""

    def __init__(self, host):
        self.sock = socket.socket()
        self.sock.bind((host, 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.commands = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.session, args=(conn,),
                             daemon=True).start()

    def session(self, conn):
        f = conn.makefile("rwb")
        f.write(b"220 plain ESMTP\r\n")
        f.flush()
        data = False
        for line in f:
            cmd = line.decode(errors="replace").strip()
            if data:
                if cmd == ".":
                    data = False
                    f.write(b"250 queued\r\n")
                continue
            self.commands.append(cmd.split(" ")[0].upper())
            if cmd.upper().startswith("EHLO"):
                f.write(b"250-plain\r\n250 SIZE 1000000\r\n")
            elif cmd.upper().startswith("DATA"):
                data = True
                f.write(b"354 go on\r\n")
            elif cmd.upper().startswith("QUIT"):
                f.write(b"221 bye\r\n")
                f.flush()
                break
            else:
                f.write(b"250 ok\r\n")
            f.flush()
        conn.close()

    def close(self):
        self.sock.close()


def outside_address():
    """An address of this machine that is not loopback."""
    out = subprocess.run(["hostname", "-I"], capture_output=True,
                         text=True).stdout.split()
    for a in out:
        if "." in a and not a.startswith("127."):
            return a
    pytest.skip("no non-loopback IPv4 address on this machine")


def mail_job():
    return enqueue("email", "critical", {
        "template": "welcome", "to": "tls@example.org", "username": "tls"})


def test_a_remote_smtp_server_without_starttls_gets_no_mail(workers):
    server = PlainSmtp(outside_address())
    try:
        url = "smtp://%s:%d" % (outside_address(), server.port)
        p = workers.start(1, env={"AGORA_SMTP_URL": url,
                                  "AGORA_SMTP_TLS": ""})
        jid = mail_job()
        err = wait_for(lambda: redis_raw("HGET", f"agora:job:{jid}",
                                         "error"), timeout=20,
                       what="the refused attempt")
        assert "smtp" in err, err
        assert "EHLO" in server.commands
        assert "MAIL" not in server.commands and "DATA" not in \
            server.commands, server.commands
        # The setting shows in the worker's log.
        assert any(l.get("msg") == "smtp: TLS require"
                   for l in workers.log_lines(p))
        workers.stop(p)

        # Turned off explicitly, the same server gets the message.
        p = workers.start(1, env={"AGORA_SMTP_URL": url,
                                  "AGORA_SMTP_TLS": "none"})
        jid = mail_job()
        wait_for(lambda: "DATA" in server.commands, timeout=20,
                 what="the mail sent without TLS")
        assert any(l.get("msg") == "smtp: TLS none"
                   for l in workers.log_lines(p))
    finally:
        server.close()


def test_loopback_smtp_needs_no_tls_by_default(workers):
    server = PlainSmtp("127.0.0.1")
    try:
        p = workers.start(1, env={
            "AGORA_SMTP_URL": "smtp://127.0.0.1:%d" % server.port,
            "AGORA_SMTP_TLS": ""})
        mail_job()
        wait_for(lambda: "DATA" in server.commands, timeout=20,
                 what="the mail over loopback")
        assert any(l.get("msg") == "smtp: TLS try"
                   for l in workers.log_lines(p))
    finally:
        server.close()
