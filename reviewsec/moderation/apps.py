from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ModerationConfig(AppConfig):
    """The review queue: suspicious verdicts become cases a moderator confirms or clears."""

    name = "reviewsec.moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        # Permissions exist only after migrate has run, so the group is synced after it.
        post_migrate.connect(_sync_moderators_group, sender=self)


def _sync_moderators_group(**kwargs: object) -> None:
    from reviewsec.moderation.services import moderators_group_sync

    moderators_group_sync(using=str(kwargs.get("using", "default")))
