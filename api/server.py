"""Run the app on gunicorn, a production WSGI server. The app (and with it the compiled
rulebook) is built once in the master process and inherited by the forked workers."""

from __future__ import annotations

import gc
import logging
import os
import sys

from gunicorn.app.base import BaseApplication

from ccrules.errors import RuleError

from . import create_app
from .storage import reload_rules


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # e.g. the control socket exists from gunicorn 27
                self.cfg.set(key, value)

    def load(self):
        return self.application


def serve(config: dict, host: str = "127.0.0.1", port: int = 8000, workers: int = 2,
          threads: int = 16) -> None:
    """Serve until stopped, on `workers` processes of `threads` threads (see worker.py: a
    client that stalls can hold a thread for a limited time only; idle connections hold
    none). SIGHUP to this process (the gunicorn master) reloads the rules: checked first,
    swapped in here, then the workers are replaced gracefully (requests in flight finish on
    the old ruleset). A broken set is logged and the old one kept. Files the service
    creates (the database and its journal) are readable by its own user only."""
    os.umask(0o077)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="[%(asctime)s] [%(process)d] [%(levelname)s] %(name)s: "
                               "%(message)s")
    app = create_app(overrides={**config, "SERVER_MASTER_PID": os.getpid()})  # before forking
    # what the master built (the app, the compiled rulebook) lives as long as the workers:
    # out of the collector's sight, a full collection in a worker walks only what requests
    # make (shorter pauses), and the workers' copies of those pages stay shared
    gc.collect()
    gc.freeze()

    def on_reload(arbiter) -> None:
        try:
            reload_rules(app)
        except RuleError:
            pass  # logged by reload_rules; the workers are re-forked with the old rules

    _Gunicorn(app, {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                    "worker_class": "ccrules.web.worker.Worker", "keepalive": 5,
                    "preload_app": True, "accesslog": "-", "timeout": 60,
                    "graceful_timeout": 10, "control_socket_disable": True,
                    "on_reload": on_reload}).run()
