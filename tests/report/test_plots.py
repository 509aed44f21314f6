"""The in-house SVG charts: well-formed, escaped, named and described, scaled to their values."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from secplan.report.plots import Limit, grouped_bars, hbars, line

NS = "{http://www.w3.org/2000/svg}"


def test_labels_are_escaped_and_values_read_out() -> None:
    svg = ET.fromstring(str(hbars("<b>top</b>", [("<script>x</script>", 0.5), ("b&c", 0.25), ("none", None)],
                                  axis="drop", limit=Limit(0.4, "limit"))))
    assert svg.find(f"{NS}title").text == "<b>top</b>" and not list(svg.iter(f"{NS}script"))
    assert svg.find(f"{NS}desc").text == "drop: <script>x</script> 0.5; b&c 0.25; none n/a. limit at 0.4."
    widths = [float(r.get("width")) for r in svg.iter(f"{NS}rect")]
    assert widths == [300.0, 150.0, 0.0]  # scaled to the largest value


def test_grouped_bars_and_line_mark_their_limits() -> None:
    svg = ET.fromstring(str(grouped_bars("rates", ["f", "m"], {"selection_rate": [0.2, 0.6], "tpr": [0.5, 0.9]},
                                         limits={"selection_rate": Limit(0.48, "floor")})))
    bars = [r for r in svg.iter(f"{NS}rect") if r.get("y") != "6"]  # not the legend's swatches
    assert [float(r.get("width")) for r in bars] == [60.0, 150.0, 180.0, 270.0]
    assert len([ln for ln in svg.iter(f"{NS}line") if ln.get("stroke") == "#c0392b"]) == 2
    assert svg.find(f"{NS}desc").text == \
        "f: selection_rate 0.2, tpr 0.5; m: selection_rate 0.6, tpr 0.9. floor at 0.48."
    chart = ET.fromstring(str(line("flips", [(0.01, 0.0), (0.1, 0.05), (0.5, None)], x_axis="noise", y_axis="flip",
                                   limit=Limit(0.1, "max"))))
    assert len(list(chart.iter(f"{NS}circle"))) == 2
    assert chart.get("aria-labelledby").split()[0] == chart.find(f"{NS}title").get("id")
