"""A small TCP proxy on 127.0.0.1 in front of the central record that can cut a connection in the
middle of a request (part of it forwarded, then both sides closed: the server never answers) or in
the middle of a response (the server has done the work; part of its answer arrives, then nothing).

Cuts are asked for by count (`cut_requests`, `cut_responses`, `drop_responses`: the next N; or
`cut_next(way, b"GET /sync/changes", n)`: the next N of one kind of request, or of the answers to
it) or by chance (`rate`, from a seeded Random), and counted as they land."""

from __future__ import annotations

import random
import select
import socket
import threading
from dataclasses import dataclass

__all__ = ["FaultProxy"]


@dataclass
class _Rule:
    way: str  # "request" or "response"
    request_line: bytes  # e.g. b"POST /sync/push"
    left: int


class FaultProxy:
    def __init__(self, upstream_port: int, *, rate: float = 0.0, seed: int = 0) -> None:
        self.upstream_port = upstream_port
        self.rate = rate  # chance that a chunk (either way) is where a cut happens
        self.cut_requests = 0  # the next N requests cut part-way
        self.cut_responses = 0  # the next N responses cut part-way
        self.drop_responses = 0  # the next N responses swallowed whole
        self.cut = {"request": 0, "response": 0}
        self._rules: list[_Rule] = []
        self._rng = random.Random(seed)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def dropped(self) -> int:
        return self.cut["response"]

    def _accept(self) -> None:
        self._listener.settimeout(0.2)
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._pump, args=(client,), daemon=True).start()

    def cut_next(self, way: str, request_line: bytes, n: int = 1) -> None:
        """Cut the next `n` requests starting `request_line` (way "request"), or the answers to
        them (way "response"), part-way."""
        with self._lock:
            self._rules.append(_Rule(way, request_line, n))

    def _ruled(self, way: str, request: bytes) -> bool:
        for rule in self._rules:
            if rule.way == way and request.startswith(rule.request_line) and rule.left > 0:
                rule.left -= 1
                return True
        return False

    def _take(self, way: str, request: bytes) -> str:
        """'' to forward the chunk whole, 'part' to forward half then cut, 'none' to cut at once.
        `request`: the start of the request this chunk belongs to (or answers)."""
        with self._lock:
            if self._ruled(way, request):
                verdict = "part"
            elif way == "response" and self.drop_responses > 0:
                self.drop_responses -= 1
                verdict = "none"
            elif way == "request" and self.cut_requests > 0:
                self.cut_requests -= 1
                verdict = "part"
            elif way == "response" and self.cut_responses > 0:
                self.cut_responses -= 1
                verdict = "part"
            elif self.rate and self._rng.random() < self.rate:
                verdict = "part"
            else:
                return ""
            self.cut[way] += 1
            return verdict

    def _pump(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            client.close()
            return
        request = b""  # the last request's first bytes on this connection
        with client, upstream:
            while not self._stop.is_set():
                ready, _, _ = select.select([client, upstream], [], [], 0.2)
                for s in ready:
                    try:
                        data = s.recv(65536)
                    except OSError:
                        return
                    if not data:
                        return
                    to, way = (client, "response") if s is upstream else (upstream, "request")
                    if way == "request" and data[:1].isalpha() and data[:4].isupper():
                        request = data[:64]  # a new request line (a body chunk is not)
                    verdict = self._take(way, request)
                    try:
                        if verdict == "part":
                            to.sendall(data[: max(1, len(data) // 2)])
                        if verdict:
                            return  # both closed: the rest never arrives
                        to.sendall(data)
                    except OSError:
                        return

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(timeout=2)
