from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    """Reviews that clients bring: extension batches, uploaded review files, moderators' purges."""

    name = "reviewsec.submissions"
    verbose_name = "Submitted reviews"
