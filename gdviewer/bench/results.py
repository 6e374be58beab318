"""A measured figure with its target."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class Figure:
    section: str
    name: str
    value: float
    unit: str
    target: str = ""  # e.g. ">= 1.0"; empty: informative only
    detail: str = ""

    @property
    def passed(self) -> bool | None:
        if not self.target:
            return None
        op, _, number = self.target.partition(" ")
        limit = float(number)
        return self.value >= limit if op == ">=" else self.value <= limit

    def to_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}


def rss_mb() -> float:
    """Current resident set size in MB (Linux /proc; 0 where unavailable)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0

