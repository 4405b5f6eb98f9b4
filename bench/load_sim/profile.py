"""Sampling the server's workers with py-spy while the load runs, and saying where the time goes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^:()]+)(?::\d+)?\)$")


def py_spy() -> str | None:
    """The py-spy executable beside this interpreter or on PATH (installed by hand, never a dependency)."""
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


def start_profilers(pids: list[int], seconds: int, out_dir: Path) -> list[subprocess.Popen[bytes]]:
    """One ``py-spy record`` per worker, writing collapsed stacks (``--nonblocking``: workers never pause)."""
    executable = py_spy()
    if executable is None:
        return []
    profilers = []
    for pid in pids:
        output = str(out_dir / f"worker-{pid}.txt")
        command = [executable, "record", "--pid", str(pid), "--duration", str(seconds), "--rate", "97",
                   "--format", "raw", "--nonblocking", "--output", output]  # fmt: skip
        profilers.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return profilers


def _short(frame: str) -> str:
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    for marker in ("site-packages/", "/work/main/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['function']} ({path})"


def summarise_stacks(
    files: list[Path], top: int = 25
) -> tuple[int, list[tuple[str, float]], list[tuple[str, float]]]:
    """Total samples, and the functions with the most samples on the stack (inclusive) and on top (self)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for file in files:
        for line in file.read_text(errors="replace").splitlines():
            stack, _, count_text = line.rpartition(" ")
            if not count_text.isdigit():
                continue
            count = int(count_text)
            frames = [_short(f) for f in stack.split(";") if f]
            total += count
            for name in set(frames):
                inclusive[name] += count
            if frames:
                own[frames[-1]] += count
    if total == 0:
        return 0, [], []
    share = 100.0 / total
    return (
        total,
        [(name, n * share) for name, n in inclusive.most_common(top)],
        [(name, n * share) for name, n in own.most_common(top)],
    )


def profile_table(files: list[Path]) -> str:
    """Markdown: the functions where the workers spent their samples."""
    total, inclusive, own = summarise_stacks(files)
    if total == 0:
        return "(no py-spy samples: is py-spy installed, and may it attach to the workers?)"
    lines = [f"{total} samples over all workers (idle waiting included).", "",
             "| inclusive % | function (on the stack) |", "|---:|---|"]  # fmt: skip
    lines += [f"| {pct:.1f} | `{name}` |" for name, pct in inclusive]
    lines += ["", "| self % | function (on top of the stack) |", "|---:|---|"]
    lines += [f"| {pct:.1f} | `{name}` |" for name, pct in own]
    return "\n".join(lines)
