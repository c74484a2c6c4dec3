"""Uploaded files may name each product's seller and brand (issue 17): stored on the catalogue's
Seller as the product spider stores a page's, within the uploader's own marketplace; malformed or
contradicting values are bad lines, reported with the others, and nothing is imported."""

import csv
import io
import json

import pytest

from reviewsec.analyses.models import JobState
from reviewsec.catalog.models import Product, Review, Seller
from reviewsec.submissions.sellers import SellerFacts, seller_facts, seller_merge
from tests.submissions.conftest import upload_job

pytestmark = pytest.mark.django_db

DAY_MS = 86_400_000
START_MS = 1_704_067_200_000  # 2024-01-01


@pytest.fixture(autouse=True)
def run_inline(settings) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.ANALYSIS_RUN_INLINE = True


def _reviews(asin: str, count: int = 24, **seller: str) -> list[dict]:
    return [
        {
            "parent_asin": asin,
            "rating": 1 + (7 * n) % 5,
            "timestamp": START_MS + n * DAY_MS,
            "user_id": f"{asin}-U{n}",
            "text": f"review {n} of {asin}",
            **seller,
        }
        for n in range(count)
    ]


def _jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


def _csv(rows: list[dict]) -> bytes:
    out = io.StringIO()
    columns = ["rating", "date", "parent_asin", "text", "seller_id", "seller_name", "brand"]
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        date = f"{(row['timestamp'] - START_MS) // DAY_MS + 1:02d}"
        writer.writerow(row | {"date": f"2024-01-{date}" if int(date) <= 31 else "2024-02-01"})
    return out.getvalue().encode()


def test_jsonl_lines_naming_the_seller_set_it_and_the_brand(
    client, django_capture_on_commit_callbacks
) -> None:
    seller = {"seller_id": "A2ZNTRX7DIRECT", "seller_name": "Zentrix  Direct", "brand": "Zentrix"}
    rows = _reviews("B0UPSELL01", **seller) + _reviews("B0UPSELL02", **seller)

    job = upload_job(client, "r.jsonl", _jsonl(rows), django_capture_on_commit_callbacks)

    assert (job.state, job.errors) == (JobState.DONE, [])
    products = Product.objects.filter(asin__in=["B0UPSELL01", "B0UPSELL02"])
    assert {p.seller.seller_id for p in products} == {"A2ZNTRX7DIRECT"}
    assert {p.brand for p in products} == {"Zentrix"}
    stored = Seller.objects.get()  # one seller for both products
    assert (stored.name, stored.marketplace) == ("Zentrix Direct", products[0].marketplace)
    assert stored.marketplace.startswith("upload-")


def test_a_csv_may_name_the_seller_on_one_line_of_a_product(
    client, django_capture_on_commit_callbacks
) -> None:
    rows = _reviews("B0UPSELL03")
    rows[5] |= {"seller_id": "A1OTHERSHOP99", "seller_name": "Other Shop"}

    job = upload_job(client, "r.csv", _csv(rows), django_capture_on_commit_callbacks)

    assert (job.state, job.errors) == (JobState.DONE, [])
    product = Product.objects.get(asin="B0UPSELL03")
    assert (product.seller.seller_id, product.seller.name, product.brand) == (
        "A1OTHERSHOP99",
        "Other Shop",
        "",
    )


@pytest.mark.parametrize(("name", "encode"), [("r.jsonl", _jsonl), ("r.csv", _csv)])
def test_a_file_without_seller_columns_leaves_the_seller_unknown(
    client, django_capture_on_commit_callbacks, name, encode
) -> None:
    job = upload_job(
        client, name, encode(_reviews("B0UPSELL04")), django_capture_on_commit_callbacks
    )

    assert job.state == JobState.DONE
    product = Product.objects.get(asin="B0UPSELL04")
    assert (product.seller, product.brand) == (None, "")
    assert not Seller.objects.exists()


def test_a_later_file_of_the_same_uploader_replaces_the_seller(
    client, django_capture_on_commit_callbacks
) -> None:
    first = _reviews("B0UPSELL05", seller_id="A1FIRSTSHOP01")
    upload_job(client, "a.jsonl", _jsonl(first), django_capture_on_commit_callbacks)
    again = _reviews("B0UPSELL05", seller_id="A1SECONDSHOP1")

    job = upload_job(client, "b.jsonl", _jsonl(again), django_capture_on_commit_callbacks)

    assert (job.state, job.duplicates) == (JobState.DONE, len(again))
    assert Product.objects.get(asin="B0UPSELL05").seller.seller_id == "A1SECONDSHOP1"


@pytest.mark.parametrize(("name", "encode"), [("r.jsonl", _jsonl), ("r.csv", _csv)])
def test_bad_seller_values_are_reported_per_line_and_nothing_imported(
    client, django_capture_on_commit_callbacks, name, encode
) -> None:
    rows = _reviews("B0UPSELL06", seller_id="A1GOODSHOP001")
    rows[2]["seller_id"] = "not an id!"
    rows[4]["seller_id"] = "A1ANOTHERSHOP"
    rows[6]["seller_name"] = "x" * 300
    rows[8]["brand"] = "Bell\x07Brand"
    offset = 1 if name.endswith(".csv") else 0  # the CSV header is line 1

    job = upload_job(client, name, encode(rows), django_capture_on_commit_callbacks)

    assert job.state == JobState.FAILED
    assert job.errors == [
        f"line {3 + offset}: seller_id 'not an id!' is not a seller id (6-20 capital letters "
        "and digits, as in the seller link's seller=…)",
        f"line {5 + offset}: seller_id 'A1ANOTHERSHOP' differs from 'A1GOODSHOP001' given for "
        f"B0UPSELL06 on line {1 + offset}",
        f"line {7 + offset}: seller_name is longer than 255 characters (300)",
        f"line {9 + offset}: brand contains a control character",
    ]
    assert not Review.objects.exists()
    assert not Product.objects.exists()
    assert not Seller.objects.exists()


def test_a_seller_id_that_is_not_text_is_refused() -> None:
    with pytest.raises(ValueError, match="seller_id must be text, not int"):
        seller_facts({"seller_id": 12345678}, 1)
    assert not seller_facts({"seller_id": "  ", "brand": ""}, 1)
    assert seller_facts({"seller_id": " A1PADDED0001 "}, 1).seller_id == "A1PADDED0001"


def test_lines_completing_each_other_merge() -> None:
    known = SellerFacts(seller_id="A1SHOP000001", line=3)
    merged = seller_merge(known, SellerFacts(brand="Acme", line=9), "B0X")
    assert merged == SellerFacts(seller_id="A1SHOP000001", brand="Acme", line=3)
