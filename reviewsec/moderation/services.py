"""Writes for the review queue: open cases from verdicts, record moderators' decisions.

Every change goes through here and leaves a ``ReviewCaseEvent``, so a case's history says who
did what and when, whichever way (admin action, change form, new analysis) it happened.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db import IntegrityError, transaction
from django.utils import timezone

from reviewsec.analyses.models import Analysis
from reviewsec.analyses.services import analysis_request
from reviewsec.moderation.models import (
    SEVERITY_BY_CATEGORY,
    CaseStatus,
    ReviewCase,
    ReviewCaseEvent,
    Severity,
)

logger = logging.getLogger(__name__)

MODERATORS_GROUP = "moderators"
# Exactly what the queue needs: see and work cases, read their history. Cases are opened by the
# system and never deleted (the history is the audit trail), so no add or delete.
MODERATOR_PERMISSIONS = (
    ("moderation", "view_reviewcase"),
    ("moderation", "change_reviewcase"),
    ("moderation", "view_reviewcaseevent"),
    # Submitted reviews: see who sent what, and purge it (the purge action needs "change").
    ("catalog", "view_reviewsubmission"),
    ("catalog", "change_reviewsubmission"),
    # The group queue (issue 17): see fits and groups, decide them (the actions need "change").
    ("groups", "view_groupfit"),
    ("groups", "view_reviewergroup"),
    ("groups", "change_reviewergroup"),
    ("groups", "view_groupdecision"),
    ("catalog", "view_reviewer"),
    ("catalog", "view_seller"),
)


def case_open_for_analysis(*, analysis: Analysis) -> ReviewCase | None:
    """Open, update or re-open the product's case for a suspicious verdict; ignore the rest.

    - no case yet: open one;
    - open: follow the new analysis (its severity may go up or down);
    - needs recrawl: the recrawl the moderator asked for has landed, so it is open again;
    - cleared: re-open only if the verdict got more severe than what was cleared, else a
      daily re-analysis would undo every "cleared" with the same evidence;
    - confirmed manipulation: re-open when the verdict *changed* (to another category, normal
      included: the evidence the moderator confirmed is no longer what the page shows); the
      same verdict again is only noted in the history.
    A normal or insufficient verdict opens no case, but is recorded on an existing one.
    Calling it twice for one analysis changes nothing (a retried task is harmless).
    """
    severity = SEVERITY_BY_CATEGORY.get(analysis.category)
    if severity is None:
        return _note_unflagged(analysis)
    with transaction.atomic():
        case = _locked_case(product_id=analysis.product_id)
        if case is None:
            try:
                with transaction.atomic():
                    case = ReviewCase.objects.create(
                        product_id=analysis.product_id,
                        analysis=analysis,
                        severity=severity,
                        opened_at=timezone.now(),
                    )
            except IntegrityError:
                # Race: another worker opened the product's case first; update theirs instead.
                case = _locked_case(product_id=analysis.product_id)
                assert case is not None
            else:
                _event(case, f"Opened: the verdict is {analysis.get_category_display().lower()}.")
                return case
        if case.analysis_id == analysis.id:
            return case
        _follow_analysis(case, analysis, Severity(severity))
    return case


def _note_unflagged(analysis: Analysis) -> ReviewCase | None:
    """A normal/insufficient verdict on a product with a case: re-open a confirmed case whose
    verdict changed, note it on the others."""
    with transaction.atomic():
        case = _locked_case(product_id=analysis.product_id)
        if case is None or case.analysis_id == analysis.id:
            return case
        verdict = analysis.get_category_display().lower()
        if case.status == CaseStatus.CONFIRMED_MANIPULATION:
            _reopen(case, analysis=analysis, severity=Severity(case.severity))
            _event(case, f"Re-opened (verdict changed): a new analysis says {verdict}.")
        else:
            _event(
                case,
                f"A new analysis says {verdict}; "
                f"the case stays {case.get_status_display().lower()}.",
                analysis=analysis,
            )
    return case


def _follow_analysis(case: ReviewCase, analysis: Analysis, severity: Severity) -> None:
    verdict = analysis.get_category_display().lower()
    changed = case.analysis is None or case.analysis.category != analysis.category
    if case.status == CaseStatus.CONFIRMED_MANIPULATION and changed:
        _reopen(case, analysis=analysis, severity=severity)
        _event(case, f"Re-opened (verdict changed): a new analysis says {verdict}.")
    elif case.status == CaseStatus.OPEN:
        case.analysis, case.severity = analysis, severity
        case.save(update_fields=["analysis", "severity", "updated_at"])
        _event(case, f"Updated: a new analysis says {verdict}.")
    elif case.status == CaseStatus.NEEDS_RECRAWL or (
        case.status == CaseStatus.CLEARED and severity > case.severity
    ):
        reason = "after the recrawl" if case.status == CaseStatus.NEEDS_RECRAWL else "escalated"
        _reopen(case, analysis=analysis, severity=severity)
        _event(case, f"Re-opened ({reason}): a new analysis says {verdict}.")
    else:
        _event(
            case,
            f"A new analysis says {verdict}; the case stays {case.get_status_display().lower()}.",
            analysis=analysis,
        )


def case_decide(
    *, case: ReviewCase, status: CaseStatus | str, actor: AbstractBaseUser, note: str = ""
) -> ReviewCase:
    """Record a moderator's decision; "needs recrawl" also starts a fresh analysis at once."""
    status = CaseStatus(status)
    with transaction.atomic():
        locked = _locked_case(product_id=case.product_id)
        assert locked is not None
        if locked.status != status:
            if status == CaseStatus.OPEN:
                _reopen(locked)
            else:
                locked.status, locked.decided_by, locked.decided_at = status, actor, timezone.now()
                locked.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
            message = f"{status.label} by {actor}." + (f" {note}" if note else "")
            _event(locked, message[:255], actor=actor)
        if status == CaseStatus.NEEDS_RECRAWL:
            _recrawl(locked)
    return locked


def case_assign(
    *, case: ReviewCase, assignee: AbstractBaseUser | None, actor: AbstractBaseUser
) -> ReviewCase:
    ReviewCase.objects.filter(id=case.id).update(assignee=assignee, updated_at=timezone.now())
    case.refresh_from_db()
    who = f"Assigned to {assignee}" if assignee else "Unassigned"
    _event(case, f"{who} by {actor}.", actor=actor)
    return case


def case_notes_update(*, case: ReviewCase, notes: str) -> None:
    ReviewCase.objects.filter(id=case.id).update(notes=notes, updated_at=timezone.now())


def moderators_group_sync(*, using: str = "default") -> Group:
    """Create the ``moderators`` group, holding exactly ``MODERATOR_PERMISSIONS``."""
    group, _ = Group.objects.using(using).get_or_create(name=MODERATORS_GROUP)
    permissions = [
        permission
        for app_label, codename in MODERATOR_PERMISSIONS
        for permission in Permission.objects.using(using).filter(
            content_type__app_label=app_label, codename=codename
        )
    ]
    if len(permissions) != len(MODERATOR_PERMISSIONS):
        logger.warning("moderators group: some permissions do not exist yet")
    group.permissions.set(permissions)
    return group


def _recrawl(case: ReviewCase) -> None:
    product = case.product
    analysis_request(marketplace=product.marketplace, asin=product.asin, force=True)


def _reopen(
    case: ReviewCase, *, analysis: Analysis | None = None, severity: Severity | None = None
) -> None:
    case.status, case.opened_at = CaseStatus.OPEN, timezone.now()
    case.decided_by, case.decided_at = None, None
    if analysis is not None and severity is not None:
        case.analysis, case.severity = analysis, severity
    case.save()


def _locked_case(*, product_id: int) -> ReviewCase | None:
    return (
        ReviewCase.objects.select_for_update()
        .select_related("product")
        .filter(product_id=product_id)
        .first()
    )


def _event(
    case: ReviewCase,
    message: str,
    *,
    actor: AbstractBaseUser | None = None,
    analysis: Analysis | None = None,
) -> None:
    ReviewCaseEvent.objects.create(
        case=case,
        analysis=analysis or case.analysis,
        status=case.status,
        message=message,
        actor=actor,
    )
