from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    """Reviews that clients bring: extension batches, uploaded review files, moderators' purges."""

    name = "reviewsec.submissions"
    verbose_name = "Submitted reviews"

    def ready(self) -> None:
        # Imported once the app registry is ready: these modules import models.
        from reviewsec.analyses import hooks
        from reviewsec.submissions import tasks  # noqa: F401  (registers the upload task by name)
        from reviewsec.submissions.housekeeping import upload_housekeeping, upload_jobs_resend_lost

        hooks.on_housekeeping(upload_housekeeping)
        hooks.on_lost_jobs_resend(upload_jobs_resend_lost)
