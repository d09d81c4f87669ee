"""Run the app on gunicorn, a production WSGI server. The app (and with it the compiled
rulebook) is built once in the master process and inherited by the forked workers."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from . import create_app


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


def serve(config: dict, host: str = "127.0.0.1", port: int = 8000, workers: int = 2) -> None:
    app = create_app(config)  # built before the fork (the effect of --preload)
    _Gunicorn(app, {"bind": f"{host}:{port}", "workers": workers, "preload_app": True,
                    "accesslog": "-", "timeout": 60, "graceful_timeout": 10,
                    "control_socket_disable": True}).run()
