"""A PostgreSQL server that goes away and comes back, or cuts its connections, as the office's does: a TCP relay
in front of the real one (the tests' server is shared: it is never restarted)."""

from __future__ import annotations

import contextlib
import socket
import threading

from sqlalchemy.engine import make_url


class Relay:
    """A TCP port relaying to the PostgreSQL server of ``url``, which can go away and come back: going away cuts
    every connection through it and ends each new one at once (the client is told the server closed the
    connection, as while a server restarts), until it is back.  The port stays the relay's all along: another
    process's connection cannot take it meanwhile, as it could if the relay let go of it and bound it again."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.target = (parsed.host or "127.0.0.1", parsed.port or 5432)
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._up = threading.Event()
        self._up.set()
        listener = socket.create_server(("127.0.0.1", 0))
        self.port = listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def url(self, url: str) -> str:
        """``url`` (of the same server) through the relay."""
        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def _accept(self, listener: socket.socket) -> None:
        while True:  # (a daemon thread: it ends with the test's process)
            client, _ = listener.accept()
            if not self._up.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets += [client, upstream]
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        for each in (source, target):
            with contextlib.suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        """Every connection through the relay cut, as a network's hiccup or a server ending them does; new ones
        still reach the server."""
        with self._lock:
            for each in self._sockets:
                with contextlib.suppress(OSError):
                    each.shutdown(socket.SHUT_RDWR)
                each.close()
            self._sockets.clear()

    def stop(self) -> None:
        """The server gone: every connection cut, and each new one ended at once until ``start``."""
        self._up.clear()
        self.cut()

    def start(self) -> None:
        """The server back."""
        self._up.set()
