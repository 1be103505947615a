"""Records the order of its lifecycle hooks in $HOOKS_MARKER (one name a line)."""
import os
import time

from octoai.service import Service


def _mark(name):
    with open(os.environ["HOOKS_MARKER"], "a") as f:
        f.write(name + "\n")


class HooksService(Service):
    def on_server_startup(self) -> None:
        _mark("on_server_startup")

    def setup(self) -> None:
        _mark("setup")
        with open(os.environ["HOOKS_MARKER"] + ".env", "w") as f:
            f.write(os.environ.get("PYTHONPATH", ""))

    def on_server_shutdown(self) -> None:
        _mark("on_server_shutdown")

    def infer(self, text: str) -> str:
        if text == "sleep":
            time.sleep(0.3)
        return text
