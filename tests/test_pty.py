"""The real program in a pseudo-terminal: what a user at a keyboard gets."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

FIXTURES = Path(__file__).parent / "fixtures" / "quiz"


def spawn(*args: str, no_color: bool = False):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS")}
    env.update(QUIZCLI_CONTENT=str(FIXTURES / "content"), TERM="xterm-256color", LANG="en_US.UTF-8")
    if no_color:
        env["NO_COLOR"] = "1"
    return pexpect.spawn(sys.executable, ["-m", "quizcli", "quiz", "--seed", "1", "--lang", "en", *args],
                         env=env, encoding="utf-8", timeout=20, dimensions=(40, 100))


def finish(child) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before


def test_answer_in_a_terminal_with_colour():
    child = spawn("--topic", "fx", "--type", "true_false")
    child.expect("In eval mode BatchNorm uses the running statistics")
    child.expect("> ")
    screen = child.before
    child.sendline("t")
    child.expect("Correct")
    child.expect("Summary")
    rest = finish(child)
    assert child.exitstatus == 0
    assert "\x1b[" in screen                         # Rich styles a real terminal
    assert "1/1 correct" in rest


def test_no_color_in_a_terminal():
    child = spawn("--topic", "fx", "--type", "true_false", no_color=True)
    child.expect("> ")
    child.sendline("f")
    child.expect("I was right")         # after a wrong answer: Enter goes on, r overrides
    out = child.before
    child.expect("> ")
    child.sendline("")
    child.expect("Summary")
    out += child.before + finish(child)
    assert child.exitstatus == 0 and "Wrong" in out
    assert not re.search(r"\x1b\[[0-9;]*(3[0-9]|9[0-7]|38;)m", out)


def test_ctrl_c_ends_with_summary():
    child = spawn("--topic", "fy")
    child.expect("> ")
    child.sendline("s")
    child.expect("skipped")
    child.expect("> ")
    child.sendintr()
    child.expect("Summary")
    out = finish(child)
    assert "1 skipped" in child.before or "1 skipped" in out
    assert child.exitstatus == 130 and "Traceback" not in out


def test_ctrl_d_ends_with_summary():
    child = spawn("--topic", "fy")
    child.expect("> ")
    child.sendeof()
    child.expect("Summary")
    out = finish(child)
    assert child.exitstatus == 0 and "Traceback" not in out


def test_quit_key():
    child = spawn("--topic", "fy")
    child.expect("> ")
    child.sendline("q")
    child.expect("Summary")
    child.expect("2 not answered")
    finish(child)
    assert child.exitstatus == 0
