"""Moderators' decisions on groups: recorded per target kind, fed back as the next fit's labels,
carried to the group that repeats a decided one, and a confirmation re-analyses the products."""

import pytest

from reviewsec.analyses.models import Analysis
from reviewsec.catalog.models import Product
from reviewsec.celery import app as celery_app
from reviewsec.groups.events import moderator_labels
from reviewsec.groups.models import GroupDecision, ReviewerGroup, TargetKind
from reviewsec.groups.selectors import product_group_review_ids, product_groups_public
from reviewsec.groups.services import group_decide, group_fit_run
from tests.groups.demo_data import pool_reviewer_pks

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(demo_shop) -> ReviewerGroup:
    return group_fit_run().groups.get()


def test_a_confirmation_labels_every_member_for_its_abuse_kind(group, admin_user) -> None:
    group_decide(group=group, target=TargetKind.MEMBERS_PAID, abusive=True, moderator=admin_user)
    labels = moderator_labels()
    assert {label.id for label in labels} == {str(pk) for pk in pool_reviewer_pks()}
    assert {(label.kind, label.target, label.abusive) for label in labels} == {
        ("reviewer", "paid_reviews", True)
    }
    decision = GroupDecision.objects.get()
    assert decision.decided_by == admin_user and not decision.carried


def test_sellers_are_labelled_separately_from_members(group) -> None:
    group_decide(group=group, target=TargetKind.SELLERS_PAID, abusive=True)
    group_decide(group=group, target=TargetKind.MEMBERS_COMPROMISED, abusive=False)
    by_kind = {(label.kind, label.target, label.abusive) for label in moderator_labels()}
    assert by_kind == {("seller", "paid_reviews", True), ("reviewer", "compromised", False)}
    sellers = {label.id for label in moderator_labels() if label.kind == "seller"}
    assert sellers == {str(pk) for pk in group.sellers.values_list("pk", flat=True)}


def test_a_changed_decision_replaces_the_old_one(group) -> None:
    group_decide(group=group, target=TargetKind.MEMBERS_PAID, abusive=True)
    group_decide(group=group, target=TargetKind.MEMBERS_PAID, abusive=False)
    assert GroupDecision.objects.get().abusive is False
    assert {label.abusive for label in moderator_labels()} == {False}


@pytest.fixture
def tasks_in_process():
    """Celery tasks run in-process, as in the embedded mode: no worker serves this test."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


def test_a_confirmation_re_analyses_the_groups_products(
    group, django_capture_on_commit_callbacks, tasks_in_process
) -> None:
    assert not Analysis.objects.exists()
    with pytest.raises(ValueError, match="unknown target kind"):
        group_decide(group=group, target="reviewer:typo", abusive=True)
    with django_capture_on_commit_callbacks(execute=True):
        group_decide(group=group, target=TargetKind.MEMBERS_PAID, abusive=True)
    analysed = set(Analysis.objects.values_list("product__asin", flat=True))
    assert analysed == set(group.products.values_list("asin", flat=True))
    note = Analysis.objects.first().verdict["collection"]["note"]
    assert "confirmed a reviewer group" in note


def test_a_dismissal_re_analyses_nothing_and_hides_the_group_from_pages(
    group, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        group_decide(group=group, target=TargetKind.MEMBERS_PAID, abusive=False)
    assert not Analysis.objects.exists()
    product = Product.objects.get(asin="B0DEMO0012")
    assert product_groups_public(product=product) is None
    assert product_group_review_ids(product=product) == set()


def test_a_confirmed_group_says_so_on_its_pages(group) -> None:
    product = Product.objects.get(asin="B0DEMO0012")
    assert product_groups_public(product=product)["confirmed"] is False
    group_decide(group=group, target=TargetKind.MEMBERS_PAID, abusive=True)
    assert product_groups_public(product=product)["confirmed"] is True
    inside = product_group_review_ids(product=product)
    assert inside and set(
        product.reviews.filter(pk__in=inside).values_list("rating", flat=True)
    ) == {5}


def test_the_next_fit_learns_the_labels_and_carries_the_decision(group) -> None:
    group_decide(group=group, target=TargetKind.MEMBERS_PAID, abusive=True)
    refit = group_fit_run()
    assert refit.labels == len(pool_reviewer_pks())
    repeated = refit.groups.get()
    assert repeated.carried_from == group
    carried = repeated.decisions.get()
    assert (carried.target, carried.abusive, carried.carried) == (
        TargetKind.MEMBERS_PAID,
        True,
        True,
    )
    assert set(repeated.members.values_list("pk", flat=True)) == pool_reviewer_pks()
