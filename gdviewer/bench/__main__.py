"""``python -m gdviewer.bench [--quick] [--json PATH]``: run every section, print the table."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import subprocess
import sys
import time

SECTIONS = ("engine", "streaming", "surface", "startup", "memory", "large_data", "overlays")


def machine() -> str:
    import torch

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            names = [ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, torch {torch.__version__}, "
            f"{platform.system()}")


def run_section(name: str, quick: bool) -> list[dict]:
    """Run one section in a fresh child process; returns its figures as dicts."""
    cmd = [sys.executable, "-m", "gdviewer.bench", "--child", name] + (["--quick"] if quick else [])
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    if done.returncode != 0:
        return [{"section": name, "name": "section failed", "value": float("nan"), "unit": "", "target": "",
                 "detail": (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"],
                 "passed": False}]
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(figures: list[dict]) -> str:
    rows = [("section", "figure", "value", "target", "result", "detail")]
    for f in figures:
        verdict = {True: "PASS", False: "FAIL", None: "info"}[f["passed"]]
        value = f"{f['value']:.3g} {f['unit']}".strip()
        rows.append((f["section"], f["name"], value, f"{f['target']} {f['unit']}".strip() if f["target"] else "",
                     verdict, str(f["detail"])))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = []
    for k, r in enumerate(rows):
        lines.append("  ".join(r[i].ljust(widths[i]) for i in range(5)) + "  " + r[5])
        if k == 0:
            lines.append("  ".join("-" * w for w in widths) + "  ------")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m gdviewer.bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="fewer steps and repeats (under a minute)")
    p.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    p.add_argument("--sections", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    p.add_argument("--child", choices=SECTIONS, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        module = importlib.import_module(f"gdviewer.bench.{args.child}")
        figures = module.run(args.quick)
        print(json.dumps([f.to_dict() for f in figures]))
        return 0
    start = time.perf_counter()
    figures: list[dict] = []
    for name in args.sections:
        print(f"… {name}", file=sys.stderr, flush=True)
        figures += run_section(name, args.quick)
    elapsed = time.perf_counter() - start
    print(f"gdviewer benchmark ({'quick' if args.quick else 'full'}), {elapsed:.0f} s on {machine()}\n")
    print(table(figures))
    failed = [f for f in figures if f["passed"] is False]
    print(f"\n{len(figures) - len(failed)} of {len(figures)} figures pass or are informative; {len(failed)} miss")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"machine": machine(), "quick": args.quick, "seconds": elapsed, "figures": figures}, fh,
                      indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
