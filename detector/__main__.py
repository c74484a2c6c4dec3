"""``python -m detector FILE [--json] [--threshold-model PATH] [--min-reviews N]``: see
``detector.cli``."""

from detector.cli import main

raise SystemExit(main())
