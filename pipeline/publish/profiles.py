"""Economy profiles: one self-contained HTML page per economy, chart embedded as PNG.

Each page answers what a focal point asks first: the economy's scores and ranks in every
edition against its region's average, where it is strong or weak (normalised indicator scores
against the regional mean), its indicator values over time, and which values are missing,
imputed, estimated or lagged. The tables come ready-made from
:mod:`~pipeline.publish.profile_data`; this module only formats them.
"""

from __future__ import annotations

import base64
from pathlib import Path
from string import Template

import pandas as pd

from pipeline.dictionary import indicators
from pipeline.publish import html
from pipeline.publish.bundle import Bundle
from pipeline.publish.definitions import profile_definitions, reported_sources
from pipeline.publish.layout import edition_title, marker, marker_legend, source_line, text
from pipeline.publish.profile_chart import ALT
from pipeline.publish.profile_data import ProfileData, prepare
from pipeline.publish.withheld_notes import profile_lines

TEMPLATE = Template(Path(__file__).with_name("profile.html").read_text(encoding="utf-8"))
FLAG_WORDS = (
    ("imputed", "imputed in {e} (no observation)"),
    ("estimate", "estimate used in {e}"),
    ("lagged", "value from an earlier year used in {e}"),
    (
        "estimated",
        "estimated by ictstats for {e} (no reported value; method and interval in "
        "the normalised table)",
    ),
)


def _table_or(frame: pd.DataFrame | None, caption: str, empty: str, notes=None) -> str:
    if frame is None or frame.empty:
        return f"<p>{html.escape(empty)}</p>"
    return html.frame_table(frame, caption, notes)


def gap_lines(
    inputs: pd.DataFrame | None, reported: set[str], edition: str, withheld: list[str] = ()
) -> list[str]:
    """Plain sentences on withheld values, imputed, estimated and lagged inputs and
    unreported indicators."""
    dictionary = indicators()
    names = dictionary["name"]
    lines: list[str] = list(withheld)
    for flag, words in FLAG_WORDS if inputs is not None else ():
        if flag not in inputs:
            continue
        codes = inputs.loc[inputs[flag].fillna(False).astype(bool), "indicator"]
        lines += [f"{names.get(c, c)}: {words.format(e=edition_title(edition))}" for c in codes]
    collected = dictionary[dictionary["questionnaire"].isin(["admin", "household"])]
    missing = [code for code in collected["code"] if code not in reported]
    if missing:
        lines.append("Not reported in the years shown: " + ", ".join(names[c] for c in missing))
    return lines or ["No gaps: every collected indicator has a value and none is imputed."]


def _value_tables(code: str, data: ProfileData) -> str:
    values, notes = data.values.get(code), data.value_notes.get(code)
    if values is None:
        return "<p>No national value reported.</p>"
    years = [c for c in values.columns if c not in ("indicator", "Indicator")]
    years = [y for y in years if values[y].notna().any()]
    shown = values[["Indicator", *years]]
    marks = notes[years].assign(Indicator="")[["Indicator", *years]]
    return html.frame_table(shown, "National totals, latest years", marks)


def shown_codes(code: str, data: ProfileData) -> list[str]:
    """Indicators the profile shows: its value table's and its index inputs'."""
    codes = set(data.values[code]["indicator"]) if code in data.values else set()
    inputs = data.inputs.get(code)
    return sorted(codes | (set(inputs["indicator"]) if inputs is not None else set()))


def chart_alt(
    name: str, scores: pd.DataFrame | None, inputs: pd.DataFrame | None, edition: str
) -> str:
    """What the profile chart shows, with the numbers a sighted reader takes from it."""
    if scores is None or scores.empty:
        return f"{name}: no index score, so no score chart."
    nodes = "; ".join(
        f"{r.node_name} {r.score:.1f} (region {r.region_mean:.1f})"
        for r in scores.itertuples()
        if pd.notna(r.score)
    )
    line = f"Bar chart of {name}'s {edition_title(edition)} scores against its ITU region: {nodes}."
    if inputs is not None and inputs["gap"].notna().any():
        ranked = inputs.dropna(subset=["gap"]).sort_values("gap")
        names = indicators()["name"]
        best, worst = ranked.iloc[-1], ranked.iloc[0]
        line += (
            f" Indicator furthest above the region: {names.get(best['indicator'])} "
            f"({best['normalised']:.1f} vs {best['region_mean']:.1f}); furthest below: "
            f"{names.get(worst['indicator'])} ({worst['normalised']:.1f} vs "
            f"{worst['region_mean']:.1f})."
        )
    return line


def render_profile(
    code: str,
    info: pd.Series,
    data: ProfileData,
    source: str = "",
    sources=None,
    withheld: list[str] = (),
) -> str:
    """The HTML page of one economy (``info``: its row of the economy reference)."""
    name = str(info["name"]) if pd.notna(info["name"]) else code
    region = str(info["itu_region"]) if pd.notna(info["itu_region"]) else "no ITU region"
    scores, inputs = data.scores.get(code), data.inputs.get(code)
    headline = scores[scores["edition"] == data.headline] if scores is not None else None
    values, reported = _value_tables(code, data), data.reported.get(code, set())
    shown = {marker(name) for name in ("estimate", "break", "imputed")}
    legend = [*marker_legend(shown), text()["workbook"]["missing_note"], source]
    return TEMPLATE.substitute(
        name=html.escape(name),
        code=code,
        region=html.escape(region),
        groups=html.escape(data.groups.get(code, "no development group")),
        scores=_table_or(
            data.score_rows.get(code),
            "Index and pillar scores (0–100)",
            "No index score: the economy is not covered by any index edition.",
        ),
        chart=base64.b64encode(data.canvas.render(headline, inputs)).decode("ascii"),
        chart_alt=html.escape(chart_alt(name, headline, inputs, data.headline)),
        caption=html.escape(ALT.format(name=name)),
        definitions=profile_definitions(code, shown_codes(code, data), sources),
        edition=edition_title(data.headline) if data.headline else "no index",
        strengths=_table_or(data.strengths.get(code), "Strengths", "Strengths: none."),
        weaknesses=_table_or(data.weaknesses.get(code), "Weaknesses", "Weaknesses: none."),
        values=values,
        gaps="<ul>"
        + html.bullet_list(gap_lines(inputs, reported, data.headline, withheld))
        + "</ul>",
        notes=html.bullet_list(legend),
    )


def profile_codes(bundle: Bundle) -> list[str]:
    """Economies that get a profile: every economy with an observation or a score."""
    codes = set(bundle.observations["economy"])
    if not bundle.scores.empty:
        codes |= set(bundle.scores["economy"])
    return sorted(codes)


def render_profiles(bundle: Bundle) -> dict[str, str]:
    """ISO3 → HTML for every profiled economy."""
    data = prepare(bundle)
    codes = profile_codes(bundle)
    info = bundle.economies.set_index("economy").reindex(codes)
    source = source_line(bundle.observations)
    sources = reported_sources(bundle.observations)
    held = profile_lines(bundle)
    return {
        code: render_profile(code, info.loc[code], data, source, sources, held.get(code, []))
        for code in codes
    }
