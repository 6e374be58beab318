"""A training process whose first race fails at step 6 (for the failure-handling tests)."""

from __future__ import annotations

from multiprocessing.connection import Connection

from gdviewer.core.training_process import serve


def serve_failing_once(commands: Connection, results: Connection, parent_pid: int) -> None:
    from gdviewer.core.trainer import Trainer

    original = Trainer.step
    failed: list[bool] = []

    def failing_step(self):
        if self.steps_done == 5 and not failed:
            failed.append(True)
            raise RuntimeError("injected fault")
        return original(self)

    Trainer.step = failing_step
    serve(commands, results, parent_pid)
