"""What the panel's drop-in costs the Anthology's Hugo build, at full size.

    .venv/bin/python benchmarks/hugo_panel_bench.py [--tar PATH | --data DIR] [--limit N]

Exports the full Anthology fixture (../shared/data/anthology-people-era.tar.xz,
unpacked once into a cache folder, or --data, a data repository) into the test
site shaped like the Anthology's (tests/hugo_site.py: data/people.json,
data/papers/*.json, one page per author), then builds it with Debian's hugo twice:
without the include of the panel, and with it (site/install.sh, the one include).
Prints the pages built, both build times, and the bytes the panel adds to a page
(median, 99th percentile, largest). --limit N exports only the first N author pages
(the namesakes' data stays complete). Exits 0 without figures when the fixture or
hugo is absent (it says so).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.hugo_site import (  # noqa: E402
    BOOTSTRAP_CSS,
    HUGO,
    INSTALL,
    LAYOUT,
    export_hugo_data,
)

DEFAULT_TAR = REPO.parent / "shared" / "data" / "anthology-people-era.tar.xz"
CACHE = Path(tempfile.gettempdir()) / "authorbot-bench-full"
INCLUDE = '{{ partial "authorbot/fix-panel.html" . }}'


def data_root(tar: Path) -> Path | None:
    """The unpacked fixture (unpacked on first use), or None when there is none."""
    root = CACHE / "acl-anthology-data"
    if root.exists():
        return root
    if not tar.exists():
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    with tarfile.open(tar) as archive:
        archive.extractall(CACHE, filter="data")
    return root


def build(site: Path, public: Path) -> float:
    """Build the site with hugo; return the seconds it took."""
    start = time.perf_counter()
    subprocess.run(
        [str(HUGO), "--source", str(site), "--destination", str(public), "--quiet"],
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - start


def page_sizes(public: Path) -> dict[str, int]:
    return {
        str(path.relative_to(public)): path.stat().st_size
        for path in (public / "people").rglob("index.html")
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tar", type=Path, default=DEFAULT_TAR)
    parser.add_argument("--data", type=Path, help="a data repository (instead of --tar)")
    parser.add_argument("--limit", type=int, default=0, help="export only N author pages")
    args = parser.parse_args()
    if not HUGO.exists() or not BOOTSTRAP_CSS.exists():
        print("hugo or Debian's Bootstrap 5 is missing (apt-get install hugo libjs-bootstrap5)")
        return 0
    root = args.data or data_root(args.tar)
    if root is None:
        print(f"no fixture at {args.tar}: nothing measured")
        return 0

    from bot.anthology.index import DataIndex

    work = Path(tempfile.mkdtemp(prefix="authorbot-hugo-bench-"))
    try:
        start = time.perf_counter()
        index = DataIndex.load(root)
        loaded = time.perf_counter() - start
        with_panel = work / "with"
        shutil.copytree(LAYOUT, with_panel)
        (with_panel / "static" / "vendor").mkdir(parents=True)
        shutil.copyfile(BOOTSTRAP_CSS, with_panel / "static" / "vendor" / "bootstrap.min.css")
        start = time.perf_counter()
        pages = export_hugo_data(index, with_panel, limit=args.limit or None)
        exported = time.perf_counter() - start
        without = work / "without"
        shutil.copytree(with_panel, without)
        single = without / "layouts" / "people" / "single.html"
        text = single.read_text("utf-8")
        assert INCLUDE in text
        single.write_text(text.replace(INCLUDE, ""), "utf-8")
        subprocess.run(["sh", str(INSTALL), str(with_panel)], check=True, capture_output=True)

        time_without = build(without, work / "public-without")
        time_with = build(with_panel, work / "public-with")
        before = page_sizes(work / "public-without")
        after = page_sizes(work / "public-with")
        added = sorted(after[page] - before[page] for page in after)
        load = os.getloadavg()[0]
        print(f"data: {root} ({len(index.people)} verified people, {len(index.items)} items)")
        print(f"load the index {loaded:.1f} s; export {len(pages)} author pages {exported:.1f} s")
        print(f"load average at the end: {load:.2f}")
        print()
        print("| figure | value |")
        print("| --- | --- |")
        print(f"| author pages built | {len(after)} |")
        print(f"| hugo build without the panel | {time_without:.1f} s |")
        print(f"| hugo build with the panel | {time_with:.1f} s |")
        print(
            f"| added by the panel | {time_with - time_without:+.1f} s "
            f"({(time_with / time_without - 1) * 100:+.0f} %) |"
        )
        p99 = added[min(len(added) - 1, int(len(added) * 0.99))]
        print(
            f"| bytes added to a page: median / p99 / max | {statistics.median(added):.0f} / "
            f"{p99} / {added[-1]} |"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
