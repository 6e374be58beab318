"""The loop that drives a race: pause, a step budget, a pace in steps per second, and chunks
sent at most MAX_EMIT_RATE times a second.

Qt-free and single-threaded: it runs in the training process (``core/training_process.py``).
Commands arrive through ``poll(timeout)``, which the loop calls between steps (with 0) and
while it waits; it changes the loop's fields (``paused``, ``budget``, ``speed``, ``stop``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from gdviewer.core.history import Chunk
from gdviewer.core.race import Race

#: Chunks per second at most; the screen cannot show more.
MAX_EMIT_RATE = 60.0
#: Longest wait between two looks at the commands while paused or pacing.
WAIT_S = 0.25
#: Steps taken between two looks at the clock at full speed.
BURST = 16


class RaceLoop:
    """Runs ``race`` until it ends or ``stop`` is set; ``send(chunks)`` gets every step, in order."""

    def __init__(self, race: Race, send: Callable[[dict[int, Chunk]], None], poll: Callable[[float], None],
                 paused: bool = False, speed: float = 0.0, idle: Callable[[], None] = lambda: None) -> None:
        """``idle()`` is called once each time the loop starts waiting while paused, after
        every step taken so far was sent."""
        self.race = race
        self.send = send
        self.poll = poll
        self.idle = idle
        self.paused = paused
        self.speed = max(0.0, float(speed))
        self.budget = 0
        self.stop_at: int | None = None  # pause once the race has taken this many steps (pause_at)
        self.stop = False
        self._min_emit_interval = 1.0 / MAX_EMIT_RATE

    # --- commands (called from ``poll``) ------------------------------------------------
    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        if not paused:
            self.budget = 0

    def request_steps(self, n: int) -> None:
        """``n`` more steps while paused (Step)."""
        self.budget += max(0, int(n))

    def request_epoch(self) -> None:
        """Step every live run to the end of its current epoch (Step epoch)."""
        self.budget += max(1, self.race.steps_to_next_epoch())

    def set_speed(self, steps_per_second: float) -> None:
        self.speed = max(0.0, float(steps_per_second))

    def pause_at(self, steps: int) -> None:
        """Play on (at the set speed) and pause once the race has taken ``steps`` steps in all
        (a lesson's reveal plays its runs this far)."""
        self.stop_at = int(steps)
        self.set_paused(False)

    # --- the loop -------------------------------------------------------------------------
    def run(self) -> None:
        """Step until the race is done or stopped; the last steps are sent before it returns."""
        race = self.race
        last_emit = time.perf_counter()
        next_step_at = last_emit
        waiting = False
        while True:
            self.poll(0.0)
            if self.stop or race.done:
                break
            now = time.perf_counter()
            if self.paused and self.budget == 0:
                if not waiting:
                    self.flush()  # every step taken so far is sent before waiting
                    self.idle()
                    waiting = True
                self.poll(WAIT_S)
                next_step_at = time.perf_counter()
                continue
            if self.speed > 0 and self.budget == 0:
                if now < next_step_at:
                    if now - last_emit >= self._min_emit_interval:
                        self.flush()
                        last_emit = now
                    self.poll(min(next_step_at - now, WAIT_S))
                    continue
                next_step_at = max(next_step_at + 1.0 / self.speed, now - 0.1)
            waiting = False
            if self.speed == 0 or self.budget > 0:
                # full speed (or a Step budget): a tight burst until the next chunk is due, then
                # one look at the commands (a look per step cost a tenth of the speed)
                due = max(last_emit + self._min_emit_interval, time.perf_counter() - self._min_emit_interval)
                self._burst(due)
                self.flush()
                last_emit = due  # a steady beat: the chunk's own cost does not stretch the period
                continue
            race.step()
            self._check_stop_at()
            now = time.perf_counter()
            if self.speed <= MAX_EMIT_RATE or now - last_emit >= self._min_emit_interval:
                self.flush()  # slow: every step is a frame
                last_emit = now
        if self.stop and not race.done:
            race.stop()
        self.flush()

    def _burst(self, until: float) -> None:
        """Steps until ``until`` (checked every BURST steps), the race's end or the budget's."""
        race = self.race
        budget = self.budget
        clock = time.perf_counter
        while not race.done:
            n = BURST if budget == 0 else min(BURST, budget)
            if self.stop_at is not None:
                n = max(1, min(n, self.stop_at - race.steps_done))
            for _ in range(n):
                if not race.step() and race.done:
                    break
            if self._check_stop_at():
                return
            if budget:
                budget = max(0, budget - n)
                self.budget = budget
                if budget == 0:
                    return
            if clock() >= until:
                return

    def _check_stop_at(self) -> bool:
        if self.stop_at is not None and self.race.steps_done >= self.stop_at:
            self.stop_at = None
            self.paused, self.budget = True, 0
            return True
        return False

    def flush(self) -> None:
        chunks = self.race.take_chunk()
        if chunks is not None:
            self.send(chunks)
