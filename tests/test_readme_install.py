"""The README's install lines (#14): the two quick-start commands as they
were, and the CPU-only line beside them, from PyTorch's CPU wheel index."""

from __future__ import annotations

from pathlib import Path

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
QUICK_START = README[README.index("## Quick start"):README.index("## Installing without CUDA")]
CPU_ONLY = README[README.index("## Installing without CUDA"):README.index("## The banks")]


def test_the_two_quick_start_commands_are_kept():
    assert ("    python3 -m venv .venv && .venv/bin/pip install -e '.[demos]' && .venv/bin/quizcli quiz\n"
            in QUICK_START)
    assert ("    python3 -m venv .venv && .venv/bin/pip install -e '.[demos,test]' && "
            ".venv/bin/python -m pytest -n 2\n" in QUICK_START)


def test_the_cpu_only_line_is_beside_them_with_what_each_costs():
    assert "download.pytorch.org" not in QUICK_START          # the quick start keeps its two commands
    line = next(l for l in CPU_ONLY.splitlines() if "download.pytorch.org/whl/cpu" in l)
    assert "pip install torch --index-url https://download.pytorch.org/whl/cpu" in line
    assert "pip install -e '.[demos]'" in line and line.strip().endswith("quizcli quiz")
    assert "5.6 GB" in CPU_ONLY and "228 s" in CPU_ONLY and "754 MB" in CPU_ONLY
