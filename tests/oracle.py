"""The reference oracle for tests: every author/editor occurrence resolved by the
field's own library (acl-anthology 1.2.0), keyed like our Occurrence.key."""

from __future__ import annotations

import warnings
from pathlib import Path


def snapshot(root: Path) -> tuple[dict[str, str], dict[str, dict]]:
    """Resolve every occurrence under `root` (a data repository) with the library.

    Returns:
        (occurrence key -> person ID, person ID -> people.yaml facts) where the key is
        `<item>|<author|editor|volume-editor>|<position>`.
    """
    from acl_anthology import Anthology

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        anthology = Anthology(datadir=str(Path(root) / "data"))
        anthology.load_all()
        anthology.people.load()
    occ: dict[str, str] = {}
    for coll in anthology.collections.values():
        for vol in coll.volumes():
            for i, ns in enumerate(vol.editors):
                occ[f"{vol.full_id}|volume-editor|{i}"] = anthology.people.get_by_namespec(ns).id
            for paper in vol.papers():
                for i, ns in enumerate(paper.authors):
                    occ[f"{paper.full_id}|author|{i}"] = anthology.people.get_by_namespec(ns).id
                for i, ns in enumerate(paper._editors):
                    occ[f"{paper.full_id}|editor|{i}"] = anthology.people.get_by_namespec(ns).id
    people = {
        pid: {
            "names": [n.as_first_last() for n in p.names],
            "orcid": p.orcid,
            "degree": p.degree,
            "dnm": p.disable_name_matching,
        }
        for pid, p in anthology.people.items()
        if p.is_explicit
    }
    return occ, people
