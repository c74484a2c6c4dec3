"""Plotly figures for the verdict page, built in Python from the stored verdict JSON.

Each function takes the ``Verdict.to_dict()`` blocks (DESIGN §3) and returns a figure as a JSON-safe
dict for ``Plotly.newPlot``; the page renders them with the plotly.js bundled with the ``plotly``
package (no CDN). Missing blocks give ``None`` and the page shows text instead.
"""

from __future__ import annotations

import html
import itertools
import json
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

STAR_COLOURS = {1: "#c62828", 2: "#ef6c00", 3: "#f9a825", 4: "#7cb342", 5: "#2e7d32"}
LAYOUT = {
    "template": "plotly_white",
    "margin": {"l": 60, "r": 20, "t": 40, "b": 40},
    "legend": {"orientation": "h", "y": -0.15},
    "font": {"family": "system-ui, sans-serif", "size": 13},
}


def _as_json(figure: go.Figure) -> dict[str, Any]:
    return json.loads(figure.to_json())


def consistency_figure(consistency: dict[str, Any]) -> dict[str, Any] | None:
    """Ratings over time with the running mean (top) and CUSUM g⁺/g⁻ against h_d (bottom)."""
    series = consistency.get("series") or {}
    ratings = series.get("ratings") or []
    if not ratings:
        return None
    x = series.get("dates") or list(range(len(ratings)))
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        row_heights=[0.55, 0.45],
        subplot_titles=("Ratings in arrival order", "CUSUM detection functions"),
    )
    figure.add_trace(
        go.Scatter(
            x=x,
            y=ratings,
            mode="markers",
            name="rating",
            marker={"size": 5, "opacity": 0.45, "color": "#546e7a"},
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Scatter(
            x=x, y=series.get("running_mean"), name="running mean", line={"color": "#1565c0"}
        ),
        row=1,
        col=1,
    )
    figure.add_trace(
        go.Scatter(x=x, y=series.get("g_plus"), name="g⁺ (upward)", line={"color": "#2e7d32"}),
        row=2,
        col=1,
    )
    figure.add_trace(
        go.Scatter(x=x, y=series.get("g_minus"), name="g⁻ (downward)", line={"color": "#c62828"}),
        row=2,
        col=1,
    )
    threshold = consistency.get("threshold")
    if threshold is not None:
        figure.add_hline(
            y=threshold,
            line={"dash": "dash", "color": "#37474f"},
            annotation_text=f"threshold h = {threshold:.2f}",
            row=2,
            col=1,
        )
    for interval in consistency.get("intervals") or []:
        start, end = interval["start"], interval["end"]
        x0 = x[start] if start < len(x) else start
        x1 = x[end] if end < len(x) else end
        figure.add_vrect(
            x0=x0,
            x1=x1,
            fillcolor="#ffb300" if interval.get("direction") == "up" else "#e53935",
            opacity=0.18,
            line_width=0,
        )
    figure.update_yaxes(title_text="stars", range=[0.5, 5.5], row=1, col=1)
    figure.update_yaxes(title_text="drift (stars)", rangemode="tozero", row=2, col=1)
    figure.update_xaxes(title_text="date posted" if series.get("dates") else "review", row=2, col=1)
    figure.update_layout(**{**LAYOUT, "legend": {"orientation": "h", "y": -0.3}}, height=560)
    return _as_json(figure)


def satisfaction_figure(ero: dict[str, Any]) -> dict[str, Any] | None:
    """One bar per calibrated feature: how ordinary it is against the reference products (its
    calibrated p-value, which the verdict's 0.1 and 0.8 cut-offs apply to). Features without a
    calibration are only signals: their raw p-values are not comparable with the cut-offs."""
    features = [f for f in ero.get("features") or [] if f.get("calibrated_p") is not None]
    if not features:
        return None
    names = [_feature_label(f["name"]) for f in features]
    values = [f["calibrated_p"] for f in features]
    colours = ["#c62828" if v < 0.1 else "#f9a825" if v <= 0.8 else "#2e7d32" for v in values]
    figure = go.Figure(
        go.Bar(
            x=values, y=names, orientation="h", marker_color=colours,
            text=[f"{v:.3f}" for v in values], textposition="outside", cliponaxis=False,
        )
    )  # fmt: skip
    figure.add_vline(x=0.1, line={"dash": "dot", "color": "#c62828"})
    figure.add_vline(x=0.8, line={"dash": "dot", "color": "#2e7d32"})
    # The guide lines are labelled on the axis, where narrow screens still have room.
    figure.update_xaxes(
        range=[0, 1.1], tickvals=[0.1, 0.8, 1], ticktext=["0.1<br>unusual", "0.8<br>ordinary", "1"],
        title_text="against reference products",
    )  # fmt: skip
    figure.update_yaxes(automargin=True)
    figure.update_layout(
        **LAYOUT, height=130 + 40 * len(names), title="How ordinary is each feature?"
    )
    return _as_json(figure)


def tukey_heatmap_figure(ero: dict[str, Any]) -> dict[str, Any] | None:
    """Adjusted p-values of every star-pair (columns) for every feature (rows)."""
    features = [f for f in ero.get("features") or [] if f.get("pairs")]
    if not features:
        return None
    pair_labels: list[str] = []
    for feature in features:
        for pair in feature["pairs"]:
            label = f"{pair['a']}★ vs {pair['b']}★"
            if label not in pair_labels:
                pair_labels.append(label)
    matrix = []
    for feature in features:
        by_label = {f"{p['a']}★ vs {p['b']}★": p["p_adj"] for p in feature["pairs"]}
        matrix.append([by_label.get(label) for label in pair_labels])
    figure = go.Figure(
        go.Heatmap(
            z=matrix,
            x=pair_labels,
            y=[_feature_label(f["name"]) for f in features],
            zmin=0,
            zmax=1,
            colorscale="RdYlGn",
            colorbar={"title": "p (Tukey)"},
            hovertemplate="%{y}<br>%{x}<br>p = %{z:.3f}<extra></extra>",
        )
    )
    figure.update_xaxes(title_text="star levels compared")
    figure.update_layout(
        **{**LAYOUT, "margin": {**LAYOUT["margin"], "b": 80}},
        height=150 + 45 * len(features),
        title="Star-level pairs (low = differ)",
    )
    return _as_json(figure)


def distribution_figure(feature: dict[str, Any]) -> dict[str, Any] | None:
    """The feature by star rating: means with IQR for numbers, category shares for categories."""
    distribution = feature.get("distribution") or {}
    groups = distribution.get("groups") or []
    if not groups:
        return None
    sizes = distribution.get("n") or []
    labels = [f"{g}★ (n={sizes[i]})" if i < len(sizes) else f"{g}★" for i, g in enumerate(groups)]
    figure = go.Figure()
    if "shares" in distribution:
        for index, category in enumerate(distribution.get("categories") or []):
            figure.add_trace(
                go.Bar(
                    x=labels,
                    y=[row[index] for row in distribution["shares"]],
                    name=plain_label(category),
                )
            )
        figure.update_layout(barmode="stack", yaxis={"title": "share", "range": [0, 1]})
    else:
        medians = distribution.get("median") or distribution.get("mean") or []
        q1 = distribution.get("q1") or medians
        q3 = distribution.get("q3") or medians
        figure.add_trace(
            go.Scatter(
                x=labels,
                y=medians,
                mode="markers",
                name="median",
                marker={"size": 11, "color": [STAR_COLOURS.get(g, "#546e7a") for g in groups]},
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [hi - m for hi, m in zip(q3, medians, strict=False)],
                    "arrayminus": [m - lo for lo, m in zip(q1, medians, strict=False)],
                },
            )
        )
        figure.update_layout(yaxis={"title": _feature_label(feature["name"])})
    figure.update_xaxes(title_text="star rating (n = reviews)")
    figure.update_layout(**LAYOUT, height=300, title=_feature_label(feature["name"]))
    return _as_json(figure)


# A contour chart has no use for more columns than a page has pixels to spare: the reference
# set's C-index axis (often 1,000 products) is thinned to at most this many columns.
CONTOUR_MAX_COLUMNS = 200


def contour_base_figure(contours: dict[str, Any]) -> dict[str, Any] | None:
    """PCI over (C-index, threshold) for the reference set and the fitted line.

    It depends on the threshold model only, so callers build it once per model (it is the
    costliest figure of the page) and add the product's marker with ``contour_figure``.
    """
    if not contours or not contours.get("pci"):
        return None
    c_axis = list(contours.get("c_index") or [])
    keep = sorted({round(i) for i in np.linspace(0, len(c_axis) - 1, CONTOUR_MAX_COLUMNS)})
    if len(keep) >= len(c_axis):
        keep = list(range(len(c_axis)))
    figure = go.Figure(
        go.Contour(
            x=[c_axis[i] for i in keep],
            y=contours.get("thresholds"),
            z=[[row[i] for i in keep] for row in contours["pci"]],
            colorscale="Viridis",
            colorbar={"title": "PCI"},
            contours={"showlabels": True},
        )
    )
    line = contours.get("line") or {}
    if line.get("c_index") and line.get("threshold"):
        figure.add_trace(
            go.Scatter(
                x=line["c_index"],
                y=line["threshold"],
                name="fitted h = a0 + a1·c",
                line={"color": "#fff", "dash": "dash"},
            )
        )
    figure.update_layout(
        **LAYOUT, height=420, xaxis_title="C-index (reference rank)", yaxis_title="threshold h"
    )
    return _as_json(figure)


def contour_figure(base: dict[str, Any] | None, c_index: int | None) -> dict[str, Any] | None:
    """The model's contour chart with this product's C-index marked; ``base`` is not changed
    (its data is shared, only the layout is copied)."""
    if base is None or c_index is None:
        return base
    layout = dict(base["layout"])
    layout["shapes"] = [
        *layout.get("shapes", []),
        {"type": "line", "x0": c_index, "x1": c_index, "y0": 0, "y1": 1, "yref": "paper",
         "line": {"color": "#c62828"}},
    ]  # fmt: skip
    layout["annotations"] = [
        *layout.get("annotations", []),
        {"x": c_index, "y": 1, "yref": "paper", "text": "this product", "showarrow": False,
         "yanchor": "bottom"},
    ]  # fmt: skip
    return {**base, "layout": layout}


def plain_label(value: object) -> str:
    """A reviewer-supplied string (a country) for a legend, trace or axis label: Plotly renders a
    subset of HTML there (``<a href>``, ``<span style>``, ``<br>``), so ``&``, ``<`` and ``>``
    are escaped as entities, which Plotly shows as the characters themselves."""
    return html.escape(str(value), quote=False)


def _feature_label(name: str) -> str:
    return {
        "day_of_week": "Day of week",
        "hour_of_day": "Hour of day",
        "text_length": "Review length",
        "country": "Country",
        "verified": "Verified purchase",
        "helpful_votes": "Helpful votes",
        "reviewer_review_count": "Reviewer's review count",
    }.get(name, name.replace("_", " ").capitalize())


HISTORY_LABELS = {
    "normal": "Normal",
    "suspicious": "Suspicious",
    "highly_suspicious": "Highly suspicious",
    "insufficient_data": "Not enough reviews",
}


def history_changes(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The points, oldest first, where the category differs from the analysis before it."""
    return [
        {"at": newer["at"], "from": older["category"], "to": newer["category"]}
        for older, newer in itertools.pairwise(history)
        if newer["category"] != older["category"]
    ]


def history_figure(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """PCI and ERO satisfaction over the product's analyses (oldest first), category changes
    marked with a dotted line and the new category; None with fewer than two analyses."""
    if len(history) < 2:
        return None
    at = [row["at"] for row in history]
    hover = [HISTORY_LABELS.get(row["category"], row["category"]) for row in history]
    figure = go.Figure()
    figure.add_scatter(
        x=at, y=[row["pci"] for row in history], name="PCI (share in change intervals)",
        mode="lines+markers", line={"color": "#c62828"}, text=hover,
        hovertemplate="%{x}<br>PCI %{y:.3f}<br>%{text}<extra></extra>",
    )  # fmt: skip
    figure.add_scatter(
        x=at, y=[row["satisfaction"] for row in history], name="ERO satisfaction",
        mode="lines+markers", line={"color": "#1565c0"}, text=hover,
        hovertemplate="%{x}<br>S %{y:.3f}<br>%{text}<extra></extra>",
    )  # fmt: skip
    for change in history_changes(history):
        figure.add_shape(
            type="line", x0=change["at"], x1=change["at"], y0=0, y1=1, yref="paper",
            line={"dash": "dot", "color": "#555"},
        )  # fmt: skip
        figure.add_annotation(
            x=change["at"], y=1, yref="paper", showarrow=False, yanchor="bottom",
            text="→ " + HISTORY_LABELS.get(change["to"], change["to"]),
        )  # fmt: skip
    figure.update_yaxes(range=[0, 1.05], title_text="share / satisfaction (0–1)")
    figure.update_xaxes(title_text="analysed on")
    figure.update_layout(**LAYOUT, height=300, title="Verdicts over time")
    return _as_json(figure)


def rating_histogram_figure(ratings: list[int]) -> dict[str, Any] | None:
    """How many reviews gave each star rating, the count written on each bar."""
    if not ratings:
        return None
    counts = [sum(1 for r in ratings if r == star) for star in range(1, 6)]
    figure = go.Figure(
        go.Bar(
            x=[f"{star}★" for star in range(1, 6)], y=counts, text=counts, textposition="outside",
            marker_color=[STAR_COLOURS[star] for star in range(1, 6)], hoverinfo="skip",
        )
    )  # fmt: skip
    figure.update_xaxes(title_text="star rating")
    figure.update_yaxes(title_text="reviews", rangemode="tozero")
    figure.update_layout(
        **LAYOUT, height=260, title="Reviews per star rating", yaxis_range=[0, max(counts) * 1.2]
    )
    return _as_json(figure)
