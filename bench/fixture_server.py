"""The fixture web in a process of its own, so serving pages does not eat the measured process's CPU.

    python -m bench.fixture_server DATA_DIR BBC_PER_SECTION

Prints one JSON line ({"opml": ..., "pages": [...]}) once serving, then serves until stdin closes.
"""

import json
import sys
from pathlib import Path

from newsdesk.testing import FixtureWeb, bbc_publishers, fundus_publishers


def main() -> None:
    data_dir, per_section = Path(sys.argv[1]), int(sys.argv[2])
    publishers = fundus_publishers(data_dir) + bbc_publishers(data_dir, per_section=per_section)
    with FixtureWeb(publishers) as web:
        pages = sorted({p.url(a.path) for p in publishers for a in p.articles})
        print(json.dumps({"opml": web.opml().decode(), "pages": pages}), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
