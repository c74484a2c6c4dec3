"""The Celery application, configured from Django settings (``CELERY_*`` names).

Without ``REDIS_URL`` the settings make every task run in-process (``task_always_eager``), so the
embedded default needs no broker; with it, tasks travel through Redis to ``make worker``.
"""

import os
import socket

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsec.settings")

app = Celery("reviewsec")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="reviewsec.ping")
def ping() -> dict[str, str]:
    """Answer with who ran the task and on which database: proves a real round trip."""
    from django.db import connection

    return {"hostname": socket.gethostname(), "pid": str(os.getpid()), "db": connection.vendor}
