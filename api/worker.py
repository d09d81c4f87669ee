"""The gunicorn worker `ccrules serve` runs: gunicorn's threaded worker (gthread) with these
changes:

- a deadline per request, not per read: a connection is read in the worker's event loop,
  holding no thread, until its whole request (head and body) has arrived (framing.py says
  when); only then is it handed to a thread, so a client that trickles bytes holds a buffer,
  never a thread. One that has not sent its whole request READ_TIMEOUT seconds after it
  connected (or, kept alive, after its next request began) is answered 408 and dropped,
  whatever it trickles; a body declared (or chunked) over the body limit is answered 413 at
  once, a head over 64 KiB 431;
- at most CLIENT_CONNECTIONS connections open per client address in each worker (0: no
  bound; behind a proxy every connection comes from the proxy's address);
- gunicorn's own error answers (a request line too long, bad headers...) written in the
  service's one error shape, as JSON, with the security headers every answer carries;
- a time limit on each write of a response (READ_TIMEOUT), so a client that stops reading
  cannot hold a thread for ever.

Written against gunicorn 27's gthread worker (pinned in pyproject.toml); plain HTTP only
(with TLS configured in gunicorn, its own behaviour is kept). tests/test_slow_clients.py
holds trickling connections against the real server.
"""

from __future__ import annotations

import errno
import json
import os
import selectors
import time
from functools import partial

from gunicorn import http, util
from gunicorn.workers.gthread import TConn, ThreadWorker

from ccrules.proposal.reading import MAX_BYTES

from .framing import framing
from .security import PAGE_CSP

READ_TIMEOUT = float(os.environ.get("CCRULES_READ_TIMEOUT", "5"))
CLIENT_CONNECTIONS = int(os.environ.get("CCRULES_CLIENT_CONNECTIONS", "100"))
HEADERS = ("Connection: close", "Content-Type: application/json",
           "X-Content-Type-Options: nosniff", "X-Frame-Options: DENY",
           "Referrer-Policy: no-referrer", f"Content-Security-Policy: {PAGE_CSP}",
           "Cache-Control: no-store")
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class TimedConn(TConn):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pending = bytearray()  # the request read so far, in the event loop
        self.deadline = 0.0
        self.whole = False  # a whole request is buffered: a thread may take it
        self.continued = False

    def init(self) -> None:
        """Called by the thread before each request, after gunicorn makes the socket
        blocking (which clears any timeout): put the time limit back, for the writes."""
        super().init()
        self.sock.settimeout(READ_TIMEOUT)


def _address(conn: TConn) -> str:
    return str(conn.client[0] if isinstance(conn.client, (tuple, list)) else conn.client)


class Worker(ThreadWorker):
    def init_process(self) -> None:
        util.write_error = write_json_error  # gunicorn's own errors, in the one shape
        self.reading: dict[TimedConn, float] = {}  # connections still sending a request
        self.by_address: dict[str, set[TimedConn]] = {}
        super().init_process()

    @property
    def max_body(self) -> int:
        config = getattr(self.wsgi, "config", None) or {}
        return int(config.get("MAX_CONTENT_LENGTH") or MAX_BYTES)

    def accept(self, listener) -> None:
        try:
            client_sock, client_addr = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = TimedConn(self.cfg, client_sock, client_addr, listener.getsockname())
        if self.cfg.is_ssl:  # gunicorn's own path: the handshake happens in a thread
            conn.whole = True
            self.enqueue_req(conn)
        elif self._admit(conn):
            self._start_reading(conn, b"", registered=False)

    def _admit(self, conn: TimedConn) -> bool:
        """Whether the client's address may open one more connection here."""
        key = _address(conn)
        held = {c for c in self.by_address.get(key, ()) if c.sock.fileno() != -1}
        if CLIENT_CONNECTIONS and len(held) >= CLIENT_CONNECTIONS:
            self.by_address[key] = held
            self._refuse(conn, 429, "Too Many Requests",
                         f"More than {CLIENT_CONNECTIONS} connections open from this address; "
                         f"close some, or wait for them to finish.")
            return False
        held.add(conn)
        self.by_address[key] = held
        return True

    def _start_reading(self, conn: TimedConn, already: bytes, registered: bool) -> None:
        conn.pending = bytearray(already)
        conn.deadline = time.monotonic() + READ_TIMEOUT
        conn.continued = False
        conn.sock.setblocking(False)
        self.reading[conn] = conn.deadline
        callback = partial(self._on_readable, conn)
        if registered:
            self.poller.modify(conn.sock, selectors.EVENT_READ, callback)
        else:
            self.poller.register(conn.sock, selectors.EVENT_READ, callback)
        if already:
            self._check(conn)

    def _on_readable(self, conn: TimedConn, _sock=None) -> None:
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:  # the client went away before sending a whole request
            self._close(conn)
            return
        conn.pending += data
        self._check(conn)

    def _check(self, conn: TimedConn) -> None:
        state = framing(conn.pending, self.max_body)
        if state.whole:
            self._dispatch(conn)
        elif state.head_too_large:
            if state.line_too_long:
                self._refuse(conn, 414, "Request-URI Too Long", "The request line is too long.")
            else:
                self._refuse(conn, 431, "Request Header Fields Too Large",
                             "The request's header is larger than 64 KiB.")
        elif state.body_too_large or len(conn.pending) > 8 * self.max_body:
            self._refuse(conn, 413, "Payload Too Large",
                         f"The request body is larger than {self.max_body} bytes.")
        elif state.continue_expected and not conn.continued:
            conn.continued = True
            try:
                conn.sock.send(CONTINUE)
            except OSError:
                pass

    def _dispatch(self, conn: TimedConn) -> None:
        """The whole request is here: hand it, buffered, to gunicorn's parser and a thread."""
        self.poller.unregister(conn.sock)
        del self.reading[conn]
        if conn.parser is None:
            conn.parser = http.get_parser(self.cfg, conn.sock, conn.client)
        conn.parser.unreader.unread(bytes(conn.pending))
        conn.pending = bytearray()
        conn.data_ready = conn.whole = True
        self.enqueue_req(conn)

    def enqueue_req(self, conn) -> None:
        if getattr(conn, "whole", True):
            conn.whole = False
            super().enqueue_req(conn)
            return
        # gunicorn read ahead into a pipelined request: buffer it as any other
        self._start_reading(conn, conn.parser.unreader.take_buffered() if conn.parser else b"",
                            registered=False)

    def on_client_socket_readable(self, conn, client) -> None:
        """A kept-alive connection has begun its next request: read it in the loop."""
        self.keepalived_conns.remove(conn)
        self._start_reading(conn, b"", registered=True)
        self._on_readable(conn)

    def _refuse(self, conn: TimedConn, status: int, reason: str, detail: str) -> None:
        try:
            conn.sock.setblocking(False)
            write_json_error(conn.sock, status, reason, detail)
        except OSError:
            pass
        self._close(conn)

    def _close(self, conn: TimedConn) -> None:
        if self.reading.pop(conn, None) is not None:
            try:
                self.poller.unregister(conn.sock)
            except (KeyError, ValueError, OSError):
                pass
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        """gunicorn's, and: drop connections whose request is past its deadline (408)."""
        super().murder_pending()
        now = time.monotonic()
        for conn, deadline in list(self.reading.items()):
            if deadline <= now:
                self._refuse(conn, 408, "Request Timeout",
                             f"The request was not sent whole within {READ_TIMEOUT:g} s.")
        if len(self.by_address) > 4 * max(1, CLIENT_CONNECTIONS):  # forget closed ones
            self.by_address = {k: live for k, held in self.by_address.items()
                               if (live := {c for c in held if c.sock.fileno() != -1})}

    def wait_for_and_dispatch_events(self, timeout) -> None:
        if self.reading:  # wake for the next deadline, not a second later
            timeout = max(0.0, min(timeout, min(self.reading.values()) - time.monotonic()))
        super().wait_for_and_dispatch_events(timeout)


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's error answer as {"error": {...}}; a server fault (5xx) says nothing of
    what went wrong inside."""
    detail = mesg if status_int < 500 and mesg else reason
    body = json.dumps({"error": {"status": status_int, "title": reason, "detail": detail,
                                 "errors": []}}).encode()
    head = "\r\n".join([f"HTTP/1.1 {status_int} {reason}", *HEADERS,
                        f"Content-Length: {len(body)}", "", ""])
    util.write_nonblock(sock, head.encode("latin1") + body)
