"""Value status, withholding policy, stable finding ids and the decisions log (unit tests)."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline import decisions
from pipeline.findings import coded_findings, normalise_findings
from pipeline.observations import empty_observations
from pipeline.status import (
    Policy,
    PolicyError,
    finding_states,
    load_policy,
    root_causes,
    value_status,
)
from pipeline.store import write_table
from pipeline.withheld import filter_observations, publishable


def _finding(rule, severity="error", value="140", indicator="HH7", breakdown="sex=F", **extra):
    row = {
        "stage": "validate",
        "rule_id": rule,
        "severity": severity,
        "economy": "EGY",
        "year": 2023,
        "indicator": indicator,
        "breakdown": breakdown,
        "value": value,
        "message": "m",
        **extra,
    }
    return row


def _observations() -> pd.DataFrame:
    base = empty_observations().iloc[:0]
    rows = []
    for sex, value in (("F", 140.0), ("M", 72.0), ("_T", 72.7)):
        rows.append(
            {
                **{c: "_T" for c in ("age", "area", "speed", "technology", "skill")},
                "economy": "EGY",
                "year": 2023,
                "indicator": "HH7",
                "sex": sex,
                "value": value,
                "unit": "%",
                "estimate": False,
                "break_in_series": False,
                "footnote": "",
                "kind": "household",
                "source_file": "household/EGY.xlsx",
                "sheet": "Individuals",
                "cell": {"F": "N10", "M": "N11", "_T": "N9"}[sex],
            }
        )
    return pd.concat([base, pd.DataFrame(rows)], ignore_index=True)


POLICY = Policy(severities=("error",), never_release=("RNG-*",), causes=("SCALE-*", "PCAP-*"))


def test_finding_ids_are_stable_and_tell_values_apart():
    one = normalise_findings(pd.DataFrame([_finding("RNG-HH-PCT")]))
    again = normalise_findings(pd.DataFrame([_finding("RNG-HH-PCT", message="other text")]))
    other = normalise_findings(pd.DataFrame([_finding("RNG-HH-PCT", breakdown="sex=M")]))
    changed = normalise_findings(pd.DataFrame([_finding("RNG-HH-PCT", value="141")]))
    assert one["finding_id"][0] == again["finding_id"][0]
    assert len({one["finding_id"][0], other["finding_id"][0], changed["finding_id"][0]}) == 3
    assert len(one["finding_id"][0]) == 12


def test_file_findings_of_one_return_get_distinct_ids():
    rows = [
        {"source_file": "admin/MEX.xlsx", "sheet": "Broadband", "cell": "L10", "economy": "MEX"},
        {"source_file": "admin/MEX.xlsx", "sheet": "Broadband", "cell": "L11", "economy": "MEX"},
    ]
    table = coded_findings("ingest", "ING-FORMULA-NO-CACHE", rows)
    assert table["finding_id"].nunique() == 2


def test_open_error_withholds_warning_flags_and_derived_inputs_filtered():
    findings = normalise_findings(
        pd.DataFrame(
            [_finding("RNG-HH-PCT"), _finding("BRK-HH7-SEX", "warning", "72.7", breakdown="")]
        )
    )
    states = finding_states(findings, decisions.empty(), POLICY)
    status = value_status(_observations(), states).set_index("sex")["status"]
    assert status.to_dict() == {"F": "withheld", "M": "accepted", "_T": "flagged"}
    kept = filter_observations(_observations(), value_status(_observations(), states))
    assert sorted(kept.observations["sex"]) == ["M", "_T"]
    assert len(kept.withheld()) == 1


def test_a_withheld_value_says_since_when_and_whether_an_earlier_output_used_it(tmp_path):
    """A duplicate in a December return withholds the value the March round gave for the same
    key, from every output; an edition as of May says that it was known then and queried later
    (the edition as computed in May used it)."""
    observations = _observations().assign(submitted="2025-03-31", round="2025")
    later = _finding("ING-DUPLICATE", value="72.7", breakdown="", source_file="dec/EGY.xlsx")
    states = finding_states(normalise_findings(pd.DataFrame([later])), decisions.empty(), POLICY)
    dates = {"household/EGY.xlsx": "2025-03-31", "dec/EGY.xlsx": "2025-12-15"}
    status = value_status(observations, states, dates)
    by_sex = status.set_index("sex")
    assert by_sex.loc["_T", "status"] == "withheld" and by_sex.loc["_T", "since"] == "2025-12-15"
    assert by_sex.loc[["F", "M"], "since"].eq("").all()
    assert value_status(observations, states).set_index("sex").loc["_T", "since"] == ""
    write_table(observations, tmp_path / "ingest", "observations")
    write_table(status, tmp_path / "validate", "status")
    for as_of, used_then in (("2025-05-31", 1), ("2025-12-15", 0), (None, 0)):
        usable = publishable(tmp_path, as_of)
        assert sorted(usable.observations["sex"]) == ["F", "M"]  # withheld at every date
        assert len(usable.queried_after(as_of or "9999-12-31")) == used_then
    assert bool(publishable(tmp_path, "2025-05-31").withheld()["known_then"].iloc[0])
    assert not publishable(tmp_path, "2025-01-01").withheld()["known_then"].iloc[0]


def test_accepted_answer_explains_and_releases_only_where_the_rule_allows():
    findings = normalise_findings(
        pd.DataFrame([_finding("RNG-HH-PCT"), _finding("YOY-HH7", breakdown="sex=M", value="72")])
    )
    ids = findings.set_index("rule_id")["finding_id"]
    log = decisions.normalise(
        pd.DataFrame(
            {
                "finding_id": [ids["RNG-HH-PCT"], ids["YOY-HH7"]],
                "decision": ["accept", "confirm"],
                "note": ["survey", "new operator"],
            }
        )
    )
    states = finding_states(findings, log, POLICY).set_index("rule_id")
    assert (states["state"] == "explained").all()
    assert not states.loc["YOY-HH7", "withholds"]
    assert states.loc["RNG-HH-PCT", "withholds"]  # an impossible share stays out when accepted
    status = value_status(_observations(), states.reset_index()).set_index("sex")["status"]
    assert status["F"] == "withheld" and status["M"] == "explained"


def test_rejected_answer_keeps_the_finding_open():
    findings = normalise_findings(pd.DataFrame([_finding("YOY-HH7", "warning")]))
    fid = findings["finding_id"][0]
    log = decisions.normalise(
        pd.DataFrame(
            {
                "finding_id": [fid, fid],
                "decision": ["confirm", "reject"],
                "when": ["2026-01-01", "2026-01-02"],
            }
        )
    )
    assert finding_states(findings, log, POLICY)["state"].tolist() == ["open"]


def test_consequences_follow_their_cause_and_inherit_its_answer():
    rows = [
        _finding("PCAP-MOBILE-MAX", indicator="i271", breakdown="", value="1.68e11"),
        _finding("SCALE-SUBS", indicator="i271", breakdown="", value="1.68e11"),
        _finding("YOY-SUBS", "warning", indicator="i271", breakdown="", value="1.68e11"),
    ]
    findings = normalise_findings(pd.DataFrame(rows))
    causes = root_causes(findings, POLICY)
    scale = findings.loc[findings["rule_id"] == "SCALE-SUBS", "finding_id"].iloc[0]
    assert set(causes) == {scale}
    log = decisions.normalise(pd.DataFrame({"finding_id": [scale], "decision": ["accept"]}))
    assert set(finding_states(findings, log, POLICY)["state"]) == {"explained"}


def test_policy_file_refuses_unknown_keys(tmp_path):
    assert load_policy().severities == ("error",)
    bad = tmp_path / "publication.toml"
    bad.write_text('[withhold]\nseverity = ["error"]\n', encoding="utf-8")
    with pytest.raises(PolicyError, match=r"withhold\.severity"):
        load_policy(bad)
    bad.write_text('[withhold]\nseverities = ["eror"]\n', encoding="utf-8")
    with pytest.raises(PolicyError, match="eror"):
        load_policy(bad)


def test_decisions_log_round_trips_through_the_store(tmp_path):
    assert decisions.read(tmp_path / "store").empty
    frame = pd.DataFrame(
        {"finding_id": ["abc", "abc"], "decision": ["sent", "confirm"], "note": ["", "real"]}
    )
    assert decisions.append(tmp_path / "store", frame) == 2
    log = decisions.read(tmp_path / "store")
    assert list(log.columns) == list(decisions.COLUMNS) and len(log) == 2
    now = decisions.current(log).set_index("finding_id")
    assert now.loc["abc", "decision"] == "confirm" and bool(now.loc["abc", "closed"])
    with pytest.raises(ValueError, match="decisions need"):
        decisions.append(
            tmp_path / "store", pd.DataFrame({"finding_id": ["x"], "decision": ["ok"]})
        )
