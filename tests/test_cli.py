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
                                         (["demos"], "Usage: quizcli demos [OPTIONS] COMMAND"),
                                         (["progress"], "Usage: quizcli progress [OPTIONS] COMMAND")])
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


def _every_command() -> list[list[str]]:
    """The path to each command and group of the app ([] is the root)."""
    import typer.main

    out: list[list[str]] = []

    def walk(cmd, path):
        out.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return out


@pytest.mark.parametrize("path", _every_command(), ids=lambda p: " ".join(p) or "(root)")
def test_a_run_builds_only_its_command_and_says_the_same(path):
    """main() hands Typer only the command that argv names (building all of
    them is a tenth of `quizcli review`'s start): help, usage errors and
    suggestions must be what the whole app gives."""
    from quizcli.cli import _app_for

    for args in ([*path, "--help"], [*path, "--no-such-option"], [*path[:1], "no-such-command"]):
        whole = runner.invoke(app, args, prog_name="quizcli")
        one = runner.invoke(_app_for(args), args, prog_name="quizcli")
        assert (one.exit_code, one.output) == (whole.exit_code, whole.output), args
    if path:
        assert len(_app_for(path).registered_commands) + len(_app_for(path).registered_groups) == 1
    assert _app_for(["--version", *path]) is app and _app_for(["revie"]) is app


# -- Click's own errors in the error:/hint: form, exit codes per the README (#14)


@pytest.mark.parametrize("args, says", [
    (["quiz", "-n", "-1"], "-1 is not in the range x>=0"),
    (["review", "--retention", "2"], "2.0 is not in the range 0.7<=x<=0.99"),
    (["quiz", "--no-such-option"], "No such option: --no-such-option"),
    (["no-such-command"], "No such command 'no-such-command'"),
    (["show"], "Missing argument 'ID'"),
])
def test_click_usage_errors_look_like_every_other_error(args, says):
    from cli_run import run

    code, out, err = run(args)
    assert code == 2
    assert err.startswith("error: ") and says in err, err
    assert "hint: " in err and "--help" in err
    assert "Usage:" not in err and "Try '" not in err


def test_a_declined_confirmation_is_an_error_message_and_changes_nothing():
    from datetime import datetime, timezone

    from quizcli.sessions.quiz import AnswerEvent
    from quizcli.store import open_store
    from cli_run import run

    with open_store() as store:
        store.record_answer(AnswerEvent("bn-param-count", datetime.now(timezone.utc), "b", True, None, 1.0, "quiz"))
    code, out, err = run(["progress", "reset", "bn-param-count"], input="n\n")
    assert code == 1
    assert "error: " in err and "nothing was changed" in err and "Aborted!" not in err + out
    with open_store() as store:
        assert store.count_answers() == 1


@pytest.mark.parametrize("command", [["quiz"], ["list"], ["review"], ["export", "-f", "csv", "-o", "-"]],
                         ids=lambda c: c[0])
def test_unknown_topic_unknown_tag_and_no_match_give_one_code(command):
    from cli_run import run

    cases = [("topic", ["--topic", "nope"]), ("tag", ["--tag", "nope"])]
    if command[0] != "list":     # an empty list is an answer, not an error
        cases.append(("nothing matches", ["--topic", "bn", "--tag", "wgan-gp"]))
    codes = {what: run([*command, *extra])[0] for what, extra in cases}
    assert set(codes.values()) == {4}, codes
