"""Screenshots of the gradient fan: the stochastic-GD tutorial after 30 steps with "fan" on,
at 1360×860 and at 1024×768 (offscreen). Usage: python scripts/fan_screenshots.py [out_dir]"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from gdviewer.bench.gui import application, make_window


def process_events(seconds: float) -> None:
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def shoot(size: tuple[int, int], path: Path, preset: str = "Tutorial: stochastic GD", steps: int = 30,
          arrows: bool = True) -> None:
    window = make_window(size)
    window.engine.load_in_background()
    deadline = time.monotonic() + 60
    while not window.engine.is_ready and time.monotonic() < deadline:
        process_events(0.1)
    window.document.apply_preset(preset)
    window.session.step(steps)
    deadline = time.monotonic() + 60
    while window.session.steps_done < steps and time.monotonic() < deadline:
        process_events(0.1)
    process_events(2.0)
    window.surface_panel.arrows_box.setChecked(arrows)
    window.surface_panel.fan.checkbox.setChecked(True)
    process_events(1.0)
    window.grab().save(str(path))
    window.close()
    process_events(0.5)


if __name__ == "__main__":  # the app spawns a training process: guard the entry point
    app = application()
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/fan_shots")
    out.mkdir(parents=True, exist_ok=True)
    for size in ((1360, 860), (1024, 768)):
        target = out / f"fan_{size[0]}x{size[1]}.png"
        shoot(size, target)
        print(target)
    # near the optimum the samples disagree most: the fan opens wide (the gradient arrows off)
    target = out / "fan_1360x860_step300.png"
    shoot((1360, 860), target, steps=300, arrows=False)
    print(target)
