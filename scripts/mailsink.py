#!/usr/bin/python3
"""Development SMTP sink: accepts every message on 127.0.0.1 and stores it,
unchanged, as <dir>/<time>-<n>.eml.  /admin/mail (AGORA_DEV=1) and the
tests read them from there.  Nothing is ever delivered anywhere.

usage: mailsink.py PORT DIR
"""

import asyncio
import itertools
import os
import signal
import sys
import time

from aiosmtpd.controller import Controller

MAX_MESSAGE = 10 * 1024 * 1024
KEEP = 500


class Sink:
    def __init__(self, directory):
        self.dir = directory
        self.seq = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        name = "%d-%06d.eml" % (time.time_ns() // 1000, next(self.seq))
        tmp = os.path.join(self.dir, "." + name)
        with open(tmp, "wb") as f:
            f.write(b"X-Sink-Mail-From: " + envelope.mail_from.encode() + b"\r\n")
            for rcpt in envelope.rcpt_tos:
                f.write(b"X-Sink-Rcpt-To: " + rcpt.encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.dir, name))
        self.prune()
        return "250 Message accepted"

    def prune(self):
        files = sorted(f for f in os.listdir(self.dir) if f.endswith(".eml"))
        for old in files[:-KEEP]:
            os.unlink(os.path.join(self.dir, old))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    port, directory = int(sys.argv[1]), sys.argv[2]
    os.makedirs(directory, exist_ok=True)
    controller = Controller(Sink(directory), hostname="127.0.0.1", port=port,
                            data_size_limit=MAX_MESSAGE)
    controller.start()
    print("mail sink on 127.0.0.1:%d, messages in %s" % (port, directory),
          flush=True)
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loop.run_until_complete(stop.wait())
    controller.stop()


if __name__ == "__main__":
    main()
