"""Production settings pass Django's deployment checklist with no warning."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_is_clean_in_production_settings() -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "reviewsec.settings_production",
        "SECRET_KEY": "a-long-random-production-secret-" + "x7Kq2!pZ" * 6,
        "ALLOWED_HOSTS": "reviewsec.example",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "sqlite:////tmp/reviewsec-deploy-check.db"),
    }
    completed = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "no issues" in completed.stdout


def test_production_settings_refuse_to_start_without_a_secret_key() -> None:
    env = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    env.update(
        DJANGO_SETTINGS_MODULE="reviewsec.settings_production",
        ALLOWED_HOSTS="x.example",
        DATABASE_URL="sqlite:////tmp/x.db",
    )
    completed = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode != 0
    assert "SECRET_KEY" in completed.stderr
