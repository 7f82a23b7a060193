"""The root command and its error boundary (quizcli/cli.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from quizcli.cli import app

runner = CliRunner()


@pytest.mark.parametrize("args, usage", [([], "Usage: quizcli [OPTIONS] COMMAND"),
                                         (["bank"], "Usage: quizcli bank [OPTIONS] COMMAND"),
                                         (["demos"], "Usage: quizcli demos [OPTIONS] COMMAND")])
def test_no_arguments_shows_the_help_and_exits_0(args, usage):
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert result.stdout.startswith(usage) and "Commands:" in result.stdout


@pytest.mark.parametrize("args", [["list"], ["list", "--json"], ["topics", "--lang", "zh"], ["--help"]],
                         ids=" ".join)
def test_a_reader_that_goes_away_is_no_error(args):
    """`quizcli list | head`: exit 0, nothing on stderr, whichever path wrote (Rich, plain, Typer)."""
    proc = subprocess.Popen([sys.executable, "-m", "quizcli", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()             # before it writes anything: its first write meets a closed pipe
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 0, err.decode()
    assert err == b""
