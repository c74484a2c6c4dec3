"""``python -m reviewsec.health NODE``: exit 0 if NODE's heartbeat is live, 1 if not.

For container health checks: ``celery@$HOSTNAME`` for a worker, ``beat@$HOSTNAME`` for beat.
"""

import sys

from django.conf import settings

from reviewsec.health.heartbeat import heartbeats_live


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m reviewsec.health NODE", file=sys.stderr)
        return 2
    if not settings.REDIS_URL:
        print("REDIS_URL is not set: there are no heartbeats without Redis", file=sys.stderr)
        return 1
    live = {record["node"] for record in heartbeats_live(redis_url=settings.REDIS_URL)}
    if argv[0] not in live:
        print(f"no live heartbeat from {argv[0]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
