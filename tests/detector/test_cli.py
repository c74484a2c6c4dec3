"""python -m detector FILE: JSON Lines and CSV, table and --json output, bad files."""

import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

import detector
from detector.cli import main
from detector.simulate import iter_population, population, simulate, write_csv, write_jsonl

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def products():
    return population(12, seed=17)


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory, products) -> Path:
    path = tmp_path_factory.mktemp("cli") / "reviews.jsonl"
    write_jsonl(products, path)
    return path


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    status = main([str(arg) for arg in args], out=out)
    return status, out.getvalue()


def verdicts_by_product(output: str) -> dict[str, dict]:
    records = [json.loads(line) for line in output.splitlines()]
    return {record["product"]["parent_asin"]: record for record in records}


def test_a_jsonl_file_prints_a_table_with_one_row_per_product(jsonl, products, capsys):
    status, output = run(jsonl)
    assert status == 0
    lines = output.splitlines()
    assert lines[0].split()[:5] == ["product", "reviews", "PCI", "ERO", "S"]
    assert len(lines) == 1 + len(products)
    assert [line.split()[0] for line in lines[1:]] == [p.parent_asin for p in products]
    assert "using the packaged reference model" in capsys.readouterr().err


def test_json_output_is_one_verdict_object_per_line_naming_the_product(jsonl, products):
    status, output = run(jsonl, "--json")
    assert status == 0
    records = [json.loads(line) for line in output.splitlines()]
    assert [r["product"] for r in records] == [
        {"asin": p.asin, "parent_asin": p.parent_asin} for p in products
    ]
    for record, product in zip(records, products, strict=True):
        assert record["schema"] == "reviewsec.verdict/1"
        assert record["reviews_analyzed"] == product.n_reviews


def test_the_cli_verdict_equals_analyze_on_the_same_reviews(jsonl, products):
    _, output = run(jsonl, "--json")
    first = json.loads(output.splitlines()[0])
    expected = detector.analyze(products[0].to_arrays()).to_dict()
    assert first["verdict"] == expected["verdict"]
    assert first["consistency"]["pci"] == expected["consistency"]["pci"]
    assert first["ero"]["satisfaction"] == pytest.approx(expected["ero"]["satisfaction"])


def test_csv_and_jsonl_of_the_same_products_give_the_same_verdicts(tmp_path, jsonl, products):
    csv_path = tmp_path / "reviews.csv"
    write_csv(products, csv_path)
    from_csv = verdicts_by_product(run(csv_path, "--json")[1])
    from_jsonl = verdicts_by_product(run(jsonl, "--json")[1])
    assert from_csv.keys() == from_jsonl.keys()
    for key, record in from_jsonl.items():
        assert from_csv[key]["verdict"] == record["verdict"]


def test_an_unsorted_file_is_grouped_through_the_spill_exactly_like_a_sorted_one(tmp_path, jsonl):
    lines = jsonl.read_text().splitlines()
    random.Random(3).shuffle(lines)
    shuffled = tmp_path / "shuffled.jsonl"
    shuffled.write_text("\n".join(lines) + "\n")
    expected = verdicts_by_product(run(jsonl, "--json")[1])
    grouped = verdicts_by_product(run(shuffled, "--json")[1])
    assert grouped.keys() == expected.keys()
    for key, record in expected.items():
        assert grouped[key]["verdict"] == record["verdict"]
        assert grouped[key]["consistency"]["series"] == record["consistency"]["series"]


def test_products_without_parent_asin_are_grouped_by_asin(tmp_path):
    rows = [json.loads(line) for line in _jsonl_lines([simulate("honest", seed=1, n_reviews=25)])]
    for row in rows:
        del row["parent_asin"]
    path = tmp_path / "asin_only.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    records = [json.loads(line) for line in run(path, "--json")[1].splitlines()]
    assert len(records) == 1
    assert records[0]["product"] == {"asin": rows[0]["asin"], "parent_asin": None}


def test_a_csv_with_dates_only_has_no_time_of_day(tmp_path):
    header = "asin,rating,date,text\n"
    body = "".join(f"B1,{1 + i % 5},2021-03-{1 + i % 28:02d},review {'x' * i}\n" for i in range(30))
    path = tmp_path / "dates.csv"
    path.write_text(header + body)
    record = json.loads(run(path, "--json")[1])
    names = [feature["name"] for feature in record["ero"]["features"]]
    assert "hour_of_day" not in names and "text_length" in names
    assert record["consistency"]["series"]["dates"][0] == "2021-03-01"


def test_min_reviews_is_passed_to_the_verdict(jsonl):
    records = verdicts_by_product(run(jsonl, "--json", "--min-reviews", "10000")[1])
    assert {r["verdict"]["category"] for r in records.values()} == {"insufficient_data"}


def test_a_given_threshold_model_file_is_used_instead_of_a_fit(tmp_path, jsonl, capsys):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(detector.default_reference_model().to_dict()))
    status, output = run(jsonl, "--threshold-model", path)
    assert status == 0
    assert len(output.splitlines()) == 13
    assert "reference model" not in capsys.readouterr().err


def test_a_file_with_fifty_products_fits_its_own_reference_model(tmp_path, capsys):
    path = tmp_path / "many.jsonl"
    write_jsonl(iter_population(60, seed=23, mix={"honest": 1.0}, review_counts=(20, 40)), path)
    status, output = run(path, "--json")
    assert status == 0
    assert "fitting the reference model on 60 of the file's 60 products" in capsys.readouterr().err
    assert len(output.splitlines()) == 60


def test_an_unsorted_file_counts_and_samples_whole_products_only(tmp_path, capsys):
    lines = _jsonl_lines(iter_population(60, seed=29, mix={"honest": 1.0}, review_counts=(20, 30)))
    random.Random(5).shuffle(lines)
    path = tmp_path / "shuffled.jsonl"
    path.write_text("\n".join(lines) + "\n")
    status, output = run(path, "--json")
    assert status == 0
    assert "fitting the reference model on 60 of the file's 60 products" in capsys.readouterr().err
    records = [json.loads(line) for line in output.splitlines()]
    assert len(records) == 60
    assert sum(r["reviews_analyzed"] for r in records) == len(lines)


def _jsonl_lines(products) -> list[str]:
    stream = io.StringIO()
    write_jsonl(products, stream)
    return stream.getvalue().splitlines()


BAD_FILES = [
    ("empty.jsonl", "", "has no reviews"),
    ("blank.csv", "", "is empty"),
    ("no_rating.csv", "asin,date\nB1,2021-01-01\n", "no 'rating' column"),
    ("no_date.csv", "asin,rating\nB1,5\n", "no 'date' column"),
    ("six_stars.csv", "asin,rating,date\nB1,5,2021-01-01\nB1,6,2021-01-02\n", "line 3: rating"),
    ("half_star.jsonl", '{"rating": 4.5, "timestamp": 1}\n', "line 1: rating must be a whole"),
    ("broken.jsonl", '{"rating": 5, "timestamp": 1}\n{"rating": \n', "line 2: not valid JSON"),
    ("no_time.jsonl", '{"rating": 5}\n', "line 1: missing 'timestamp'"),
    ("bad_date.csv", "rating,date\n5,yesterday\n", "line 2: date 'yesterday'"),
    (
        "bad_verified.csv",
        "rating,date,verified_purchase\n5,2021-01-01,maybe\n",
        "verified_purchase",
    ),
    ("latin1.csv", "rating,date,text\n5,2021-01-01,caf\xe9\n", "line 2: not UTF-8"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES)
def test_a_bad_file_stops_with_a_one_line_message_and_status_1(
    tmp_path, capsys, name, content, message
):
    path = tmp_path / name
    path.write_bytes(content.encode("latin-1"))
    status, output = run(path)
    error = capsys.readouterr().err
    assert status == 1
    assert output == ""
    assert error.startswith("detector: ") and error.count("\n") == 1
    assert message in error


def test_a_missing_file_and_a_bad_model_file_are_one_line_errors(tmp_path, jsonl, capsys):
    assert run(tmp_path / "nowhere.jsonl")[0] == 1
    assert "no such file" in capsys.readouterr().err
    model = tmp_path / "model.json"
    model.write_text('{"schema": "something else"}')
    assert run(jsonl, "--threshold-model", model)[0] == 1
    assert "cannot use" in capsys.readouterr().err


def test_python_dash_m_detector_exits_non_zero_on_a_bad_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("rating,date\nfive,2021-01-01\n")
    completed = subprocess.run(
        [sys.executable, "-m", "detector", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1
    assert completed.stderr.strip().splitlines() == [
        f"detector: {path}, line 2: rating 'five' is not a number of stars"
    ]


@pytest.mark.parametrize("options", [("--json", "--jobs", "2"), ("--jobs", "1")])
def test_stdout_written_as_bytes_is_what_a_text_stream_receives(jsonl, options):
    """On stdout the lines go to its byte buffer as the workers encoded them; into a stream
    without one (StringIO) they are decoded: the same text either way, JSON or table."""
    completed = subprocess.run(
        [sys.executable, "-m", "detector", str(jsonl), *options],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    assert completed.returncode == 0
    status, text = run(jsonl, *options)
    assert status == 0
    assert completed.stdout == text.encode("utf-8")
    assert len(text.splitlines()) == 12 + ("--json" not in options)


@pytest.mark.parametrize("table", [False, True])
def test_workers_writing_their_own_batches_keep_the_order(tmp_path, table):
    """With --jobs 2 and stdout a file, the workers write the batches whose turn it is
    themselves (``_OrderedWriter``): stdout and --reviews-out are byte for byte what one process
    writes, over many batches (60 products, batches of 16 and fewer)."""
    path = tmp_path / "many.jsonl"
    write_jsonl(population(60, seed=23), path)
    outputs = []
    for jobs in ("1", "2"):
        stdout, reviews = tmp_path / f"out{jobs}.txt", tmp_path / f"reviews{jobs}.jsonl"
        options = [] if table else ["--json"]
        with stdout.open("wb") as sink:
            completed = subprocess.run(
                [sys.executable, "-m", "detector", str(path), *options, "--jobs", jobs,
                 "--reviews-out", str(reviews)],
                cwd=ROOT, stdout=sink, stderr=subprocess.PIPE, timeout=300,
            )  # fmt: skip
        assert completed.returncode == 0, completed.stderr
        outputs.append((stdout.read_bytes(), reviews.read_bytes()))
    assert outputs[0] == outputs[1]
    assert len(outputs[0][0].splitlines()) == 60 + table


def test_groups_out_gives_what_detector_groups_gives_on_the_same_file(tmp_path):
    from detector.groups.cli import main as groups_main
    from detector.simulate.groups import GroupScenario, simulate_groups

    market = simulate_groups(
        GroupScenario(sellers=100, honest_reviewers=4000, campaigns=3, agencies=1, fan_brands=3,
                      orders=300, deal_hunters=40, deal_products=40),
        seed=4,
    )  # fmt: skip
    reviews = tmp_path / "market.jsonl"
    market.write_jsonl(reviews)
    lines = reviews.read_text().splitlines()
    random.Random(7).shuffle(
        lines
    )  # not grouped by product: the CLI's columns go back to file order
    reviews.write_text("\n".join(lines) + "\n")
    alone, beside = tmp_path / "alone.jsonl", tmp_path / "beside.jsonl"
    assert groups_main([str(reviews), "--groups-out", str(alone)]) == 0
    status, _ = run(reviews, "--json", "--jobs", "2", "--groups-out", beside)
    assert status == 0
    assert alone.read_text() and beside.read_text() == alone.read_text()
