"""The publication status of every value, derived from the findings and the decisions log.

A value is *withheld* while a finding that withholds (``schemas/publication.toml``) is open on
it, *flagged* while another finding is open, *explained* when every finding on it was closed by
an answer (confirmed by the focal point or accepted by a statistician), *superseded* when a
later submission replaced it, and *accepted* otherwise. Downstream stages publish only values
that are not withheld (:mod:`pipeline.withheld`), which is how a 140 % Internet use stays out
of an SDG aggregate while its query is open (UN Fundamental Principles of Official Statistics,
principle 2: decisions on methods and data quality are the statistician's).

A withheld value also says *since* when: the earliest date a withholding finding on it became
known, the submission date of the file the finding names. It stays withheld from every output,
an edition computed as of an earlier date included; ``since`` lets that edition say which of
its economies differ from the edition as computed then (a value a later round contradicts — a
duplicate with other figures, a 2G coverage below the 3G coverage already reported — was in
ITU's edition at its cutoff).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

import pandas as pd

from pipeline.decisions import current
from pipeline.findings import SEVERITIES
from pipeline.observations import KEY, breakdown_text
from pipeline.paths import SCHEMAS

STATUSES = ("accepted", "withheld", "flagged", "explained", "superseded")
MATCH = ("economy", "year", "indicator", "breakdown")
STATUS_COLUMNS = (
    *KEY,
    "breakdown",
    "value",
    "status",
    "since",
    "rule_ids",
    "finding_ids",
    "source_file",
    "cell",
)
_KEYS = {
    "withhold": {"severities", "rules"},
    "release": {"never"},
    "notes": {"withheld"},
    "causes": {"first"},
}


class PolicyError(ValueError):
    """``schemas/publication.toml`` is malformed (an unknown key or severity)."""


@dataclass(frozen=True)
class Policy:
    """Which findings withhold a value and which rules let an accepted answer release it."""

    severities: tuple[str, ...] = ("error",)
    rules: tuple[str, ...] = ()
    never_release: tuple[str, ...] = ()
    note: str = "withheld pending a query with the national focal point"
    causes: tuple[str, ...] = ()

    def withholds(self, rule_id: pd.Series, severity: pd.Series) -> pd.Series:
        """Findings of a withholding severity or rule."""
        return severity.isin(self.severities) | _matches(rule_id, self.rules)

    def releases(self, rule_id: pd.Series) -> pd.Series:
        """Findings whose accepted answer releases the value."""
        return ~_matches(rule_id, self.never_release)


def _matches(rule_id: pd.Series, patterns: tuple[str, ...]) -> pd.Series:
    hits = {r: any(fnmatchcase(str(r), p) for p in patterns) for r in rule_id.unique()}
    return rule_id.map(hits).astype(bool)


def load_policy(path: Path = SCHEMAS / "publication.toml") -> Policy:
    """The withholding policy; unknown tables, keys or severities raise :class:`PolicyError`."""
    with Path(path).open("rb") as handle:
        raw = tomllib.load(handle)
    unknown = [t for t in raw if t not in _KEYS]
    unknown += [
        f"{t}.{k}" for t, keys in raw.items() if t in _KEYS for k in keys if k not in _KEYS[t]
    ]
    severities = tuple(raw.get("withhold", {}).get("severities", ["error"]))
    unknown += [f"severity {s!r}" for s in severities if s not in SEVERITIES]
    if unknown:
        raise PolicyError(f"{path}: unknown {', '.join(unknown)}")
    return Policy(
        severities=severities,
        rules=tuple(raw.get("withhold", {}).get("rules", [])),
        never_release=tuple(raw.get("release", {}).get("never", [])),
        note=raw.get("notes", {}).get("withheld", Policy.note),
        causes=tuple(raw.get("causes", {}).get("first", [])),
    )


def root_causes(findings: pd.DataFrame, policy: Policy) -> pd.Series:
    """The finding id of each finding's root cause (its own id when it is its own cause).

    Findings on the same value share a cause: the one whose rule comes first in
    ``[causes] first`` (a scale slip before the per-capita and year-on-year rules it trips).
    Findings whose rules are not listed stand alone.
    """
    rank = pd.Series(len(policy.causes), index=findings.index)
    for position, pattern in reversed(list(enumerate(policy.causes))):
        rank[_matches(findings["rule_id"], (pattern,))] = position
    listed = rank < len(policy.causes)
    parts = [findings[c].astype(object).fillna("").astype(str) for c in MATCH]
    keys = parts[0].str.cat(parts[1:], sep="|")
    ordered = findings.assign(_key=keys, _rank=rank).sort_values("_rank", kind="stable")
    first = ordered[listed.reindex(ordered.index)].groupby("_key")["finding_id"].first()
    cause = keys.map(first)
    on_value = findings["indicator"].notna() & findings["year"].notna()
    return cause.where(on_value & cause.notna(), findings["finding_id"])


def finding_states(findings: pd.DataFrame, log: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """Findings plus ``state`` (open | explained), the latest ``answer`` and its ``note``, the
    date the finding was first ``sent``, and whether it ``withholds`` its value."""
    answers = current(log).set_index("finding_id")
    cause = root_causes(findings, policy)
    own = answers.reindex(findings["finding_id"]).set_axis(findings.index)
    joined = answers.reindex(cause).set_axis(findings.index)
    answered = own["decision"].notna()
    joined[answered] = own[answered]
    closed = joined["closed"].fillna(False).astype(bool).to_numpy()
    out = findings.assign(
        state=pd.Series(closed, index=findings.index).map({True: "explained", False: "open"}),
        answer=joined["decision"].fillna("").to_numpy(object),
        note=joined["note"].fillna("").to_numpy(object),
        sent=own["sent"].to_numpy(),
        cause=cause.to_numpy(object),
    )
    holds = policy.withholds(out["rule_id"], out["severity"])
    released = closed & policy.releases(out["rule_id"])
    return out.assign(withholds=holds & ~released)


def _superseded(observations: pd.DataFrame) -> pd.Series:
    """Rows a later submission of the same key replaced (when submission dates are known)."""
    if "submitted" not in observations:
        return pd.Series(False, index=observations.index)
    order = observations.sort_values("submitted", kind="stable")
    latest = ~order.duplicated(list(KEY), keep="last")
    return ~latest.reindex(observations.index)


def known_since(findings: pd.DataFrame, dates: Mapping[str, str] | None) -> pd.Series:
    """The date each finding became known: the submission date of the file it names (``""``,
    known from the start, for a file without a date or when no dates are given)."""
    if not dates or "source_file" not in findings:
        return pd.Series("", index=findings.index, dtype=object)
    return findings["source_file"].map(dates).fillna("").astype(object)


def value_status(
    observations: pd.DataFrame,
    states: pd.DataFrame,
    dates: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per observation: its status, since when a withheld one is withheld (``dates``:
    source file → submission date, see the module doc) and the findings behind it."""
    values = observations.assign(breakdown=breakdown_text(observations))
    on_value = states[states["indicator"].notna() & states["year"].notna()]
    queried = on_value["severity"] != "info"
    since = known_since(on_value, dates).where(on_value["withholds"].astype(bool))
    on_value = on_value.assign(
        year=on_value["year"].astype("int64"),
        open=queried & (on_value["state"] == "open"),
        closed=queried & (on_value["state"] == "explained"),
        since=since,
    )
    grouped = on_value.groupby(list(MATCH)).agg(
        withholds=("withholds", "any"),
        since=("since", "min"),
        open=("open", "any"),
        closed=("closed", "any"),
        rule_ids=("rule_id", lambda s: ", ".join(sorted(set(s)))),
        finding_ids=("finding_id", lambda s: ", ".join(sorted(set(s)))),
    )
    merged = values.merge(grouped.reset_index(), on=list(MATCH), how="left")
    flag = {c: merged[c].fillna(False).astype(bool) for c in ("open", "closed", "withholds")}
    status = pd.Series("accepted", index=merged.index, dtype=object)
    status[flag["closed"]] = "explained"
    status[flag["open"]] = "flagged"
    status[flag["withholds"]] = "withheld"
    status[_superseded(observations).to_numpy()] = "superseded"
    since = merged["since"].where(status.eq("withheld"), "").fillna("").astype(object)
    out = merged.assign(status=status, since=since, rule_ids=merged["rule_ids"].fillna(""))
    out["finding_ids"] = out["finding_ids"].fillna("")
    return out[list(STATUS_COLUMNS)]
