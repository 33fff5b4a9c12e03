"""A TCP proxy in front of the real test server that can lose a request or its answer.

What a retry is for, made on purpose: `lose_request` reads a request and hangs up
without passing it on (the server never sees it); `lose_answer` passes it on, lets the
server answer (and so apply it) and hangs up without passing the answer back. Every
other request goes through. Each request is sent upstream on a connection of its own.
"""

from __future__ import annotations

import socket
import threading
from collections import deque
from urllib.parse import urlsplit

PASS, LOSE_REQUEST, LOSE_ANSWER = "pass", "lose-request", "lose-answer"


class FlakyProxy:
    def __init__(self, upstream_url: str) -> None:
        parts = urlsplit(upstream_url)
        self._upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.plan: deque[str] = deque()
        self.heads: list[bytes] = []  # every request's head, as the proxy received it
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def __enter__(self) -> FlakyProxy:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def header_values(self, name: str) -> list[str | None]:
        """The value of a header in each request received, in order."""
        wanted = name.lower().encode() + b":"
        values: list[str | None] = []
        for head in self.heads:
            lines = [line for line in head.split(b"\r\n") if line.lower().startswith(wanted)]
            values.append(lines[0].split(b":", 1)[1].strip().decode() if lines else None)
        return values

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            request = _read_request(connection)
            if request is None:
                return
            head, body = request
            self.heads.append(head)
            action = self.plan.popleft() if self.plan else PASS
            if action == LOSE_REQUEST:
                return
            # One request per upstream connection: the answer ends when it closes.
            request_line, _, rest = head.partition(b"\r\n")
            head = request_line + b"\r\nConnection: close\r\n" + rest
            with socket.create_connection(self._upstream) as upstream:
                upstream.sendall(head + body)
                answer = _read_all(upstream)
            if action == LOSE_ANSWER:
                return
            connection.sendall(answer)


def _read_request(connection: socket.socket) -> tuple[bytes, bytes] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        body += chunk
    # Without the connection's own header: the proxy decides how connections end.
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join(lines) + b"\r\n\r\n", body


def _read_all(connection: socket.socket) -> bytes:
    chunks: list[bytes] = []
    while chunk := connection.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)
