"""A real SMTP server for the notification tests (aiosmtpd).

Usage: python3 tests/smtp/server.py PORT FOLDER
Listens on 127.0.0.1:PORT, prints READY once it accepts connections, and writes every message
it receives to FOLDER as one JSON file (envelope recipients, decoded subject and From, Message-ID, each
MIME part decoded, and the raw message). Runs until killed.
"""
import email
import email.policy
import json
import os
import signal
import sys
import time
import uuid

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        parts = [
            {"type": p.get_content_type(), "body": p.get_content()}
            for p in msg.walk()
            if not p.is_multipart()
        ]
        record = {
            "rcpt": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "from": str(msg["from"]),
            "message_id": str(msg["message-id"]),
            "content_type": msg.get_content_type(),
            "parts": parts,
            "raw": raw.decode("utf-8", "replace"),
        }
        name = os.path.join(self.folder, f"{time.time_ns()}-{uuid.uuid4().hex}")
        with open(name + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        # Appears whole or not at all to the test reading the folder.
        os.rename(name + ".tmp", name + ".json")
        return "250 Message accepted for delivery"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Handler(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("READY", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
