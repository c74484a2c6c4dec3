"""Upload jobs: a review file waiting for (or going through) the background import."""

import uuid

from django.db import models

from reviewsec.analyses.models import JobState
from reviewsec.catalog.models import Product


class UploadJob(models.Model):
    """One uploaded file: read and validated in full, imported in one transaction, analysed.

    The id is a random UUID: the progress page and the API status are reachable by anyone who
    has the link, and nobody can guess another uploader's. The file itself waits in the row
    (``content``, any worker can read it) and is emptied once the job ends.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    state = models.CharField(max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    stage = models.CharField(max_length=32, blank=True, help_text="reading, importing, analysing…")
    file_name = models.CharField(max_length=255)
    file_size = models.PositiveBigIntegerField()
    content = models.BinaryField(editable=False)
    client_key = models.CharField(max_length=80)
    bytes_read = models.PositiveBigIntegerField(default=0)
    reviews_read = models.PositiveIntegerField(default=0)
    reviews_imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    products_total = models.PositiveIntegerField(default=0)
    products_done = models.PositiveIntegerField(default=0)
    errors = models.JSONField(
        default=list, blank=True, help_text="Line-numbered problems, for people."
    )
    celery_task_id = models.CharField(
        max_length=64, blank=True, help_text="The message's id; only it may claim the job."
    )
    resends = models.PositiveSmallIntegerField(
        default=0, help_text="How often housekeeping re-sent it after its message was lost."
    )
    products = models.ManyToManyField(Product, blank=True, related_name="upload_jobs")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"upload {self.file_name} ({self.state})"
