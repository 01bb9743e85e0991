"""Progress bars on stderr, drawn only when a step lasts more than a moment."""

from __future__ import annotations

import sys
from typing import Any

import click


class StageProgress:
    """A progress bar on stderr for builds that take more than a moment: nothing is drawn
    until a stage starts after DELAY seconds, so small builds print only their summary."""

    DELAY = 1.0

    def __init__(self, stages: list[str], enabled: bool | None = None) -> None:
        import time

        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.stages = stages
        self.started = time.monotonic()
        self.bar: Any = None
        self.done = 0

    def __call__(self, stage: str) -> None:
        import time

        if self.enabled and self.bar is None and time.monotonic() - self.started >= self.DELAY:
            self.bar = click.progressbar(length=len(self.stages), label="kg build", file=sys.stderr,
                                         item_show_func=lambda s: s)
            self.bar.__enter__()
            self.bar.update(self.done)
        self.done = self.stages.index(stage) if stage in self.stages else self.done
        if self.bar is not None:
            self.bar.update(self.done - self.bar.pos, stage)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.update(len(self.stages) - self.bar.pos)
            self.bar.__exit__(None, None, None)


class UploadProgress:
    """A progress bar in bytes on stderr, drawn only when an upload lasts more than DELAY seconds."""

    DELAY = 1.0

    def __init__(self) -> None:
        import time

        self.started = time.monotonic()
        self.bar: Any = None
        self.enabled = sys.stderr.isatty()

    def __call__(self, sent: int, total: int) -> None:
        import time

        if not self.enabled:
            return
        if self.bar is None and time.monotonic() - self.started >= self.DELAY:
            self.bar = click.progressbar(length=total, label="kg publish", file=sys.stderr)
            self.bar.__enter__()
        if self.bar is not None:
            self.bar.update(min(sent, total) - self.bar.pos)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
