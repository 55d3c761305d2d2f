"""A PostgreSQL server that goes away and comes back, or cuts its connections, as the office's does: a TCP relay
in front of the real one (the tests' server is shared: it is never restarted)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from sqlalchemy.engine import make_url


class Relay:
    """A TCP port relaying to the PostgreSQL server of ``url``, which can go away and come back: going away cuts
    every connection through it and refuses new ones, as a server restarting or a host rebooting does to its
    clients."""

    def __init__(self, url: str) -> None:
        parsed = make_url(url)
        self.target = (parsed.host or "127.0.0.1", parsed.port or 5432)
        self.port = 0
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._open = threading.Event()
        self.start()

    def url(self, url: str) -> str:
        """``url`` (of the same server) through the relay."""
        return make_url(url).set(host="127.0.0.1", port=self.port).render_as_string(hide_password=False)

    def start(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port))  # (the same port again: SO_REUSEADDR)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._open.set()
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        with listener:
            while self._open.is_set():
                try:
                    client, _ = listener.accept()
                except TimeoutError:
                    continue
                client.settimeout(None)
                upstream = socket.create_connection(self.target)
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
        """The server gone: every connection cut, and new ones refused until ``start``."""
        self._open.clear()
        time.sleep(0.3)  # the listener closed
        self.cut()
