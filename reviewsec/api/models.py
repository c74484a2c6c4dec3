"""API keys: the raw key is shown once; only its prefix (to find the row) and a hash are stored."""

from django.db import models


class ApiKey(models.Model):
    """A key that lifts a client from the anonymous rate limit to ``API_RATE_KEY``."""

    name = models.CharField(max_length=100, help_text="Who uses this key, e.g. the partner's name.")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    hashed_key = models.CharField(max_length=64, editable=False, help_text="SHA-256, hex.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "API key"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
