"""Stop reading an uploaded file once it passes ``UPLOAD_MAX_BYTES``.

Django spools file uploads of any size to disk before a view sees them (its body limits leave
files out), so an honest Content-Length is checked first and this handler catches the rest.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest


class SizeLimitedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_MAX_BYTES:
            self.too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data  # on to the next handler, which keeps the file

    def file_complete(self, file_size: int) -> Any:
        return None


def limit_upload_size(request: Any) -> SizeLimitedUploadHandler | None:
    """Install the handler before the body is read; None when the declared size is already over."""
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > settings.UPLOAD_MAX_BYTES + 64 * 1024:  # the multipart framing's allowance
        return None
    handler = SizeLimitedUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return handler


def upload_too_large_message() -> str:
    return f"The file is larger than {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MiB."
