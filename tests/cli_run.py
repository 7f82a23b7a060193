"""Running the real entry point in a test, error boundary included."""

from __future__ import annotations

import sys

from typer.testing import CliRunner

from quizcli.cli import main


def run(args: list[str], input: str = "", env: dict | None = None) -> tuple[int, str, str]:
    """`quizcli ARGS` in CliRunner's isolation, with `input` on stdin: (exit code, stdout, stderr)."""
    with CliRunner().isolation(input=input, env=env) as (out, err, _):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()
