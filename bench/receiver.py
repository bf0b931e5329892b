"""A bare asyncio webhook receiver for ``make bench``: answers every POST 200 at once and,
after ``COUNT`` of them, writes one line per delivery (receipt time, event id, webhook-id)
to ``OUT`` and exits.

    python bench/receiver.py PORT COUNT OUT
"""

from __future__ import annotations

import asyncio
import sys
import time

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"


async def main(port: int, count: int) -> list[tuple[float, bytes, bytes]]:
    received: list[tuple[float, bytes, bytes]] = []
    done = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                webhook_id = b""
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    lowered = name.lower()
                    if lowered == b"content-length":
                        length = int(value)
                    elif lowered == b"webhook-id":
                        webhook_id = value.strip()
                body = await reader.readexactly(length)
                # The event id is the body's first field: {"id":"evt_...",
                received.append((time.time(), body[7:37], webhook_id))
                writer.write(ANSWER)
                if len(received) >= count:
                    done.set()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the sender went away, or the receiver is done
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await done.wait()
    return received


if __name__ == "__main__":
    got = asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
    with open(sys.argv[3], "w") as file:
        for at, event_id, webhook_id in got:
            file.write(f"{at} {event_id.decode()} {webhook_id.decode()}\n")
