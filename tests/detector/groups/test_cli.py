"""``python -m detector.groups FILE --groups-out PATH [--labels PATH]``: the JSON Lines contract."""

import json
from pathlib import Path

import pytest

from detector.groups.cli import main
from detector.simulate.groups import GroupScenario, simulate_groups

pytestmark = pytest.mark.slow


def test_groups_out_writes_one_group_per_line(tmp_path: Path) -> None:
    market = simulate_groups(
        GroupScenario(sellers=100, honest_reviewers=4000, campaigns=3, agencies=1, fan_brands=3,
                      orders=300, deal_hunters=40, deal_products=40),
        seed=4,
    )  # fmt: skip
    reviews, out = tmp_path / "reviews.jsonl", tmp_path / "groups.jsonl"
    market.write_jsonl(reviews)
    labels = tmp_path / "labels.jsonl"
    member = market.truth.campaigns[0].members[0]
    labels.write_text(json.dumps({"kind": "reviewer", "id": member, "target": "paid_reviews",
                                  "abusive": True}) + "\n")  # fmt: skip
    assert main([str(reviews), "--groups-out", str(out), "--labels", str(labels)]) == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines, "the planted campaigns give at least one group"
    for line in lines:
        assert {"reviewers", "products", "sellers", "start", "end", "rating", "score"} <= set(line)
        assert all(s.startswith("S") for s in line["sellers"])
    assert set(lines[0]["reviewers"]) & market.truth.members()


def test_bad_labels_are_a_readable_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reviews = tmp_path / "r.jsonl"
    reviews.write_text(
        json.dumps({"rating": 5, "timestamp": 1, "user_id": "u", "asin": "A"}) + "\n"
    )
    labels = tmp_path / "l.jsonl"
    labels.write_text("{not json\n")
    assert main([str(reviews), "--groups-out", str(tmp_path / "g"), "--labels", str(labels)]) == 1
    assert "line 1: not valid JSON" in capsys.readouterr().err
