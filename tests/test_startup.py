"""Commands that run no demo must not import torch or numpy (start-up time).

Each command runs in a fresh interpreter, which then reports what
`sys.modules` holds (the approach of fastapi/typer tests/test_rich_import.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"
HEAVY = ("torch", "numpy", "matplotlib", "pandas", "scipy")

PROBE = """
import json, sys
from quizcli.cli import main
code = 0
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code or 0
heavy = sorted(m for m in sys.modules if m.split(".")[0] in {heavy!r})
sys.__stderr__.write("\\nPROBE " + json.dumps({{"code": code, "heavy": heavy}}) + "\\n")
""".format(heavy=set(HEAVY))


def probe(args: list[str], stdin: str = "") -> dict:
    env = dict(os.environ, QUIZCLI_CONTENT=str(FIXTURES / "content"))
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=60)
    line = next((l for l in proc.stderr.splitlines() if l.startswith("PROBE ")), None)
    assert line, f"probe did not finish: {proc.stderr[-2000:]}"
    return json.loads(line[len("PROBE "):])


@pytest.mark.parametrize("args, stdin", [
    (["--help"], ""),
    (["quiz", "--seed", "1", "--lang", "en"], "t\n128\nq\n"),
    (["list"], ""),
    (["topics"], ""),
    (["show", "fx-num"], ""),
    (["bank", "validate", str(FIXTURES / "content")], ""),
    (["practice", "--list"], ""),          # code exercises (#18): listing them imports no torch
])
def test_no_heavy_imports(args, stdin):
    result = probe(args, stdin)
    assert result["code"] == 0, f"quizcli {' '.join(args)} failed"
    assert result["heavy"] == [], f"quizcli {' '.join(args)} imported {result['heavy']}"


def test_probe_detects_a_heavy_import():
    # The probe must be able to fail: import numpy on purpose and see it reported.
    pytest.importorskip("numpy")
    env = dict(os.environ)
    code = PROBE.replace("from quizcli.cli import main", "import numpy\nfrom quizcli.cli import main")
    proc = subprocess.run([sys.executable, "-c", code, "--help"], capture_output=True, text=True, env=env, timeout=60)
    assert '"numpy"' in proc.stderr
