"""Country names in the verdict's sentences read as English writes them after "in"."""

import pytest

from detector.words import category_phrase, country_in_sentence


@pytest.mark.parametrize(
    ("country", "reads"),
    [
        ("United States", "the United States"),
        ("United Kingdom", "the United Kingdom"),
        ("United Arab Emirates", "the United Arab Emirates"),
        ("Netherlands", "the Netherlands"),
        ("Philippines", "the Philippines"),
        ("Czech Republic", "the Czech Republic"),
        ("Dominican Republic", "the Dominican Republic"),
        ("Republic of the Congo", "the Republic of the Congo"),
        ("Cayman Islands", "the Cayman Islands"),
        ("UK", "the UK"),
        ("Germany", "Germany"),
        ("Japan", "Japan"),
        ("India", "India"),
        ("Ireland", "Ireland"),
        ("Isle of Man", "Isle of Man"),
        ("The Gambia", "The Gambia"),
        (" Brazil ", "Brazil"),
    ],
)
def test_a_country_reads_naturally_after_in(country: str, reads: str) -> None:
    assert country_in_sentence(country) == reads


def test_the_verdict_phrase_for_a_country_category_uses_it() -> None:
    assert category_phrase("country", "United States") == "from reviewers in the United States"
    assert category_phrase("country", "Germany") == "from reviewers in Germany"
