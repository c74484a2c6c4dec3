"""``python -m detector.groups FILE --groups-out PATH [--labels PATH]``."""

import sys

from detector.groups.cli import main

sys.exit(main())
