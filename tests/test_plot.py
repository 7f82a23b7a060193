"""Terminal curves and scatter plots, and the saved figure."""

from __future__ import annotations

import io
import math

import pytest
from rich.console import Console

from quizcli.demo.api import Check, Curve, DemoResult, Scatter, Table
from quizcli.errors import QuizcliError
from quizcli.ui.plot import fmt, print_plots, render_curve, render_scatter, save_figure


def text(renderable, width: int = 80, color: bool = False) -> str:
    console = Console(file=io.StringIO(), width=width, color_system="truecolor" if color else None,
                      force_terminal=color)
    console.print(renderable)
    return console.file.getvalue()


def curve(**kw) -> Curve:
    x = list(range(50))
    base = dict(title="loss", x_label="step", y_label="loss", x=x,
                series={"BN": [1 / (i + 1) for i in x], "no BN": [1 - i / 100 for i in x]})
    return Curve(**{**base, **kw})


def test_a_curve_without_colour_uses_one_marker_per_series():
    out = text(render_curve(curve(), width=80, color=False))
    lines = out.splitlines()
    assert lines[0] == "loss" and "step" in out
    assert "• BN   + no BN" in out
    assert "•" in "".join(lines[2:-3]) and "+" in "".join(lines[2:-3])
    assert max(len(line) for line in lines) <= 80
    assert lines[2].strip().startswith("1 ┤")        # y max
    assert lines[-2].strip().startswith("0") and lines[-2].rstrip().endswith("49")   # x range


def test_a_curve_in_colour_uses_braille():
    out = text(render_curve(curve(), width=80, color=True), color=True)
    assert any(0x2800 <= ord(ch) <= 0x28FF for ch in out)
    assert "\x1b[" in out


def test_non_finite_points_break_the_line_and_log_scale():
    c = curve(series={"lr=10": [1.0, 10.0, math.nan, math.inf] + [1.0] * 46}, log_y=True)
    out = text(render_curve(c, color=False))
    assert "(log scale)" in out and " 10 ┤" in out
    empty = text(render_curve(curve(series={"x": [math.nan] * 50})))
    assert "no finite values" in empty


def test_a_scatter_keeps_a_circle_round():
    ring = [(math.cos(2 * math.pi * k / 64), math.sin(2 * math.pi * k / 64)) for k in range(64)]
    out = text(render_scatter(Scatter("ring", {"real": ring, "fake": [(0.0, 0.0)]}), width=80, color=False))
    rows = [line.split("┤", 1)[-1].split("│", 1)[-1] for line in out.splitlines()[1:-3]]
    cols = [i for r in rows for i, ch in enumerate(r) if ch == "•"]
    height = sum(1 for r in rows if "•" in r)
    width = max(cols) - min(cols) + 1
    assert 1.5 < width / height < 2.6   # characters are about twice as tall as wide
    assert "+" in out                    # the second series, at the centre


def test_print_plots_sizes_to_the_console():
    result = DemoResult(settings={}, table=Table(["a"], [[1]]), checks=[Check("c", 1, "<", 2)],
                        finding={"en": "e", "zh": "z"}, curves=[curve()], scatters=[Scatter("s", {"p": [(0, 0), (1, 1)]})])
    console = Console(file=io.StringIO(), width=60, color_system=None)
    print_plots(console, result)
    out = console.file.getvalue()
    assert "loss" in out and "s\n" in out
    assert max(len(line) for line in out.splitlines()) <= 60


def test_fmt():
    assert [fmt(v) for v in (0, 0.5, 123456.0, 0.0001, 12.3456)] == ["0", "0.5", "1.23e+05", "1.00e-04", "12.3"]


def test_save_figure(tmp_path):
    pytest.importorskip("matplotlib")
    result = DemoResult(settings={}, table=Table(["a"], [[1]]), checks=[Check("c", 1, "<", 2)],
                        finding={"en": "e", "zh": "z"}, curves=[curve(log_y=True)],
                        scatters=[Scatter("s", {"p": [(0, 0), (1, 1)]})])
    path = save_figure(tmp_path / "f.png", result, title="t")
    assert path.read_bytes()[:4] == b"\x89PNG"
    result.curves.clear()
    result.scatters.clear()
    with pytest.raises(QuizcliError, match="nothing to save"):
        save_figure(tmp_path / "g.png", result)


def test_a_sparse_series_stays_visible_under_a_dense_one():
    dense = [(x / 10, y / 10) for x in range(-10, 11) for y in range(-10, 11)]
    out = text(render_scatter(Scatter("s", {"samples": dense, "modes": [(0.0, 0.0), (1.0, 1.0)]}), color=False))
    body = "".join(out.splitlines()[1:-3])
    assert body.count("+") == 2   # both modes show through the samples


def test_save_figure_never_draws_a_chinese_title_as_empty_boxes(tmp_path, monkeypatch):
    # Found in QA: `explain ID --lang zh --plot` drew the zh title in DejaVu
    # Sans (no CJK glyphs): a row of boxes, and a matplotlib warning on stderr.
    pytest.importorskip("matplotlib")
    import warnings

    from quizcli.ui import plot

    result = DemoResult(settings={}, table=Table(["a"], [[1]]), checks=[Check("c", 1, "<", 2)],
                        finding={"en": "e", "zh": "z"}, curves=[curve()])
    titles = []
    draw = plot._draw
    monkeypatch.setattr(plot, "_draw", lambda plt, path, panels, title, lang="en", labels=None:
                        titles.append((title, lang)) or draw(plt, path, panels, title, lang, labels))
    monkeypatch.setattr(plot, "_cjk_font", lambda: None)
    result.curves = [Curve({"en": "loss", "zh": "损失"}, {"en": "step", "zh": "步"}, "y", [0, 1], {"a": [1.0, 0.5]})]
    result.labels = {"a": {"en": "BN", "zh": "批归一化"}}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plot.save_figure(tmp_path / "f.png", result, title="小批量下的 BN", fallback_title="BN with small batches",
                         lang="zh")
    # Without a Chinese font the whole figure is English: its title and its panels' labels.
    assert titles == [("BN with small batches", "en")]
    assert not [w for w in caught if "Glyph" in str(w.message)]


def test_curves_and_scatters_show_their_labels_in_the_language_asked_for():
    c = Curve({"en": "training loss", "zh": "训练损失"}, {"en": "step", "zh": "步数"}, {"en": "loss", "zh": "损失"},
              [0.0, 1.0, 2.0], {"BN": [1.0, 0.5, 0.2], "no BN": [1.0, 0.9, 0.8]})
    labels = {"no BN": {"en": "no BN", "zh": "无批归一化"}}
    zh = text(render_curve(c, width=80, color=False, lang="zh", labels=labels))
    assert "训练损失" in zh and "步数" in zh and "损失" in zh and "无批归一化" in zh and "BN" in zh
    assert "training" not in zh and "no BN" not in zh
    en = text(render_curve(c, width=80, color=False, lang="en", labels=labels))
    assert "training loss" in en and "no BN" in en and "无" not in en
    s = Scatter({"en": "samples", "zh": "样本"}, {"fake": [(0.0, 0.0), (1.0, 1.0)]})
    zh = text(render_scatter(s, color=False, lang="zh", labels={"fake": {"en": "fake", "zh": "生成样本"}}))
    assert "样本" in zh and "生成样本" in zh and "fake" not in zh


def test_save_figure_draws_one_small_panel_per_scatter_with_the_sparse_series_on_top(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from quizcli.ui import plot

    scatters = [Scatter(title=f"variant {k}", series={"samples": [(i / 50, k) for i in range(200)],
                                                     "modes": [(0.0, 0.0), (1.0, 1.0)]}) for k in range(4)]
    result = DemoResult(settings={}, table=Table(["a"], [[1]]), checks=[Check("c", 1, "<", 2)],
                        finding={"en": "e", "zh": "z"}, curves=[Curve("loss", "x", "y", [0, 1], {"a": [1.0, 0.5]})],
                        scatters=scatters)
    seen = {}
    real_close = plt.close

    def keep(fig):
        seen["axes"] = fig.axes
        real_close(fig)

    plt.close = keep
    try:
        plot.save_figure(tmp_path / "f.png", result, title="t")
    finally:
        plt.close = real_close
    axes = seen["axes"]
    assert len(axes) == 5   # the curve, then 4 scatter panels (3 in a row, then 1)
    curve_ax, first = axes[0], axes[1]
    assert first.get_position().width < curve_ax.get_position().width / 2
    # The modes are drawn last (on top), as crosses.
    assert [c.get_label() for c in first.collections] == ["samples", "modes"]
    assert first.collections[-1].get_zorder() > first.collections[0].get_zorder()
