"""The gunicorn worker `ccrules serve` runs: gunicorn's threaded worker (idle keep-alive and
not-yet-speaking connections wait in its poller, not in a thread) with two additions:

- a time limit on reading a request (and writing its response), so that a client sending
  half a header cannot hold a thread for longer than READ_TIMEOUT seconds;
- gunicorn's own error answers (a request line too long, bad headers...) written in the
  service's one error shape, as JSON, instead of gunicorn's HTML page.

Written against gunicorn 27's gthread worker (pinned in pyproject.toml);
tests/test_hardening.py holds half-open connections against the real server.
"""

from __future__ import annotations

import errno
import json
import os

from gunicorn import util
from gunicorn.workers.gthread import TConn, ThreadWorker

READ_TIMEOUT = float(os.environ.get("CCRULES_READ_TIMEOUT", "5"))
HEADERS = ("Connection: close", "Content-Type: application/json",
           "X-Content-Type-Options: nosniff", "Cache-Control: no-store")


class TimedConn(TConn):
    def init(self) -> None:
        """Called for every request on the connection, after gunicorn makes the socket
        blocking (which clears any timeout): put the time limit back."""
        super().init()
        self.sock.settimeout(READ_TIMEOUT)


class Worker(ThreadWorker):
    def accept(self, listener) -> None:  # gunicorn's, with TimedConn for TConn
        try:
            client_sock, client_addr = listener.accept()
            self.nr_conns += 1
            client_sock.setblocking(True)
            conn = TimedConn(self.cfg, client_sock, client_addr, listener.getsockname())
            self.enqueue_req(conn)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise

    def init_process(self) -> None:
        util.write_error = write_json_error  # gunicorn's own errors, in the one shape
        super().init_process()


def write_json_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's error answer as {"error": {...}}; a server fault (5xx) says nothing of
    what went wrong inside."""
    detail = mesg if status_int < 500 and mesg else reason
    body = json.dumps({"error": {"status": status_int, "title": reason, "detail": detail,
                                 "errors": []}}).encode()
    head = "\r\n".join([f"HTTP/1.1 {status_int} {reason}", *HEADERS,
                        f"Content-Length: {len(body)}", "", ""])
    util.write_nonblock(sock, head.encode("latin1") + body)
