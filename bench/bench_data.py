"""Generate the bench data set: ``python bench/bench_data.py --clients 1000 --messages 2000000 …``.

A development tool, not part of the installed package: it runs against the
database the environment names (``DJANGO_SETTINGS_MODULE``, default
``agencydesk.settings.base``; ``AGENCYDESK_DATA_DIR`` / ``DATABASE_URL`` as for
``agencydesk``). ``--help`` lists the options; :mod:`benchdata.command` says
what it writes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "agencydesk.settings.base")
    import django

    django.setup()
    from benchdata.command import Command

    Command().run_from_argv(["bench_data", "bench_data", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
