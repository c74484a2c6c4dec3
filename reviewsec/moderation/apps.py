from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ModerationConfig(AppConfig):
    """The review queue: suspicious verdicts become cases a moderator confirms or clears."""

    name = "reviewsec.moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Permissions exist only after migrate has run, so the group is synced after it.
        post_migrate.connect(_sync_moderators_group, sender=self)
        # Imported once the app registry is ready: these modules import models.
        from reviewsec.analyses import hooks
        from reviewsec.moderation.selectors import product_in_review_queue
        from reviewsec.moderation.services import case_open_for_analysis

        # A suspicious verdict opens a case; an open case makes its product recrawl sooner.
        hooks.on_verdict_stored(case_open_for_analysis)
        hooks.on_review_queue_check(product_in_review_queue)


def _sync_moderators_group(**kwargs: object) -> None:
    from reviewsec.moderation.services import moderators_group_sync

    moderators_group_sync(using=str(kwargs.get("using", "default")))
