"""Shell completion (Typer's own): commands, topics, tags, types, question
ids and demo ids (#14)."""

from __future__ import annotations

import pytest

from cli_run import run


def complete(*words: str) -> list[str]:
    line = ["quizcli", *words]
    code, out, err = run([], env={"_QUIZCLI_COMPLETE": "complete_bash", "COMP_WORDS": " ".join(line),
                                  "COMP_CWORD": str(len(line) - 1)})
    assert code == 0, err
    return out.split()


@pytest.mark.parametrize("words, expected", [
    (("qu",), ["quiz"]),
    (("progress", "uns"), ["unsuspend"]),
    (("quiz", "--topic", "spec"), ["spectral_norm"]),
    (("review", "--tag", "train-vs"), ["train-vs-eval"]),
    (("list", "--type", "tr"), ["true_false"]),
    (("show", "bn-param-count-c"), ["bn-param-count-conv-block"]),
    (("explain", "sn_power"), ["sn_power_iteration"]),
    (("demos", "verify", "sn_con"), ["sn_conv_reshape"]),
    (("progress", "reset", "bn-param-count-c"), ["bn-param-count-conv-block"]),
])
def test_completion(words, expected):
    assert complete(*words) == expected


def test_tags_complete_from_the_banks():
    from quizcli.bank.index import load_index

    tags = sorted({t for q in load_index(extra=[], include_builtin=True).questions for t in q.tags})
    tag = tags[len(tags) // 2]
    assert tag in complete("review", "--tag", tag[:-1])
    assert all(t.startswith(tag[:-1]) for t in complete("review", "--tag", tag[:-1]))


def test_the_root_offers_completion_install():
    code, out, _ = run(["--help"])
    assert "--install-completion" in out and "--show-completion" in out


def test_completing_imports_no_torch():
    import subprocess
    import sys

    code = ("import os, sys; os.environ.update(_QUIZCLI_COMPLETE='complete_bash', COMP_WORDS='quizcli explain sn_',"
            " COMP_CWORD='2')\nfrom quizcli.cli import main\ntry:\n    main([])\nexcept SystemExit:\n    pass\n"
            "assert 'torch' not in sys.modules and 'numpy' not in sys.modules, 'torch imported'")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "sn_power_iteration" in proc.stdout
