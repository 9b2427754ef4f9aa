"""The people file's writer in both eras, judged by the era's own library: after any
change, loading our text with the library and saving it again must give our text
byte for byte (so our minimal edits write exactly the library's layout), and the
library must read the people we meant.

Each change is made on the sample's people file; every case of one era goes to the
library in one run (tests/oracle.py, `library_people_saves`).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.anthology.names import Name
from bot.anthology.orcid import checksum_char
from bot.anthology.people import PeopleFile, PeopleFileError, PersonEntry
from bot.anthology.people_json import JsonPeopleFile, dump_entry
from bot.anthology.peoplestore import read_people_file
from tests.conftest import SAMPLE_ROOTS
from tests.oracle import library_people_saves


def orcid(n: int) -> str:
    digits = f"{n:015d}"
    whole = digits + checksum_char(digits)
    return "-".join(whole[i : i + 4] for i in range(0, 16, 4))


def person(pid: str, *names: Name, **fields) -> PersonEntry:
    return PersonEntry(pid, tuple(names) or (Name("Ann", "Example"),), **fields)


def sample_people(era: str) -> PeopleFile:
    rel = "data/json/people.json" if era == "json" else "data/yaml/people.yaml"
    return read_people_file(rel, (SAMPLE_ROOTS[era] / rel).read_text("utf-8"))


def changes_of(people: PeopleFile) -> dict[str, dict[str, PersonEntry | None]]:
    """Named changes, each a mapping of IDs to new entries (None: delete)."""
    first, second, middle = people.order[0], people.order[1], people.order[len(people.order) // 2]
    last, before_last = people.order[-1], people.order[-2]
    dong = people.entries["dong-yu"]
    specials = person(
        "special-values",
        Name('Zoë "Q" O\'Brien', "Back\\slash"),
        Name(None, "Mononym"),
        Name("Ti\tab", "Line\u2028Sep"),
        comment='He said "hi"\nand left \\ \x01 \x7f \u202eRTL\u202c 🙂 </script>',
        degree="École {normale}: #1 & <b>",
        orcid=orcid(1),
        similar=("dong-yu", "yang-liu-ict"),
        disable_name_matching=True,
    )
    return {
        "replace-middle": {"dong-yu": replace(dong, degree="Somewhere")},
        "rename-and-reorder": {
            "dong-yu": replace(dong, names=(Name("Dong", "Yü"), *dong.names), similar=("a-b",))
        },
        "insert-first": {"a-aaa": person("a-aaa", orcid=orcid(2))},
        "insert-middle": {middle + "-2": person(middle + "-2")},
        "insert-last": {"zzzz-zzz": person("zzzz-zzz")},
        "insert-two-after-last": {"zzzz-y": person("zzzz-y"), "zzzz-z": person("zzzz-z")},
        "delete-first": {first: None},
        "delete-first-two": {first: None, second: None},
        "delete-last": {last: None},
        "delete-last-two": {last: None, before_last: None},
        "delete-last-insert-after": {last: None, "zzzz-zzz": person("zzzz-zzz")},
        "delete-last-insert-before": {last: None, before_last + "-b": person(before_last + "-b")},
        "replace-last-insert-after": {
            last: replace(people.entries[last], degree="X"),
            "zzzz-zzz": person("zzzz-zzz"),
        },
        "specials": {"special-values": specials},
        "blank-first": {
            "govind-x": PersonEntry(
                "govind-x", (Name(None, "Govind"),), blank_first=frozenset({Name(None, "Govind")})
            )
        },
    }


def facts(entry: PersonEntry) -> dict:
    """An entry as tests/oracle.py reports the library's reading of it."""
    return {
        "names": [n.full for n in entry.names],
        "orcid": entry.orcid,
        "degree": entry.degree,
        "dnm": entry.disable_name_matching,
    }


@pytest.mark.parametrize("era", ["json", "yaml"])
def test_every_change_is_written_in_the_librarys_exact_layout(era: str):
    people = sample_people(era)
    cases = changes_of(people)
    texts = {name: people.render(changes) for name, changes in cases.items()}
    saves = library_people_saves(era, list(texts.values()))
    for (name, text), (saved, library_people) in zip(texts.items(), saves, strict=True):
        assert saved == text, f"{name}: the library lays the file out otherwise"
        after = read_people_file(people.path, text)
        for pid, entry in cases[name].items():
            if entry is None:
                assert pid not in after.entries and pid not in library_people, name
            else:
                assert after.entries[pid] == entry, name
                assert library_people[pid] == facts(entry), name
        # Nothing else changed.
        untouched = [p for p in people.order if p not in cases[name]]
        assert all(after.entries[p] == people.entries[p] for p in untouched), name


@pytest.mark.parametrize("era", ["json", "yaml"])
def test_edits_are_whole_lines_and_only_where_the_change_is(era: str):
    people = sample_people(era)
    text = people.text
    for name, changes in changes_of(people).items():
        for start, end, new in people.edits(changes):
            assert start == 0 or text[start - 1] == "\n", name
            assert end == len(text) or text[end - 1] == "\n", name
            assert new == "" or new.endswith("\n"), name
        # The edits change nothing outside the changed entries and their neighbours.
        kept = [p for p in people.order if p not in changes]
        after = read_people_file(people.path, people.render(changes))
        same = [
            p for p in kept if after.text[slice(*after.spans[p])] == text[slice(*people.spans[p])]
        ]
        assert len(kept) - len(same) <= 1, name  # at most a neighbour's comma (JSON)


def test_deleting_everyone_and_adding_to_an_empty_file():
    people = sample_people("json")
    empty_text = people.render({pid: None for pid in people.order})
    assert empty_text == "{}\n"
    empty = JsonPeopleFile.parse(empty_text)
    one = empty.render({"ann-example": person("ann-example")})
    saved = library_people_saves("json", [empty_text, one])
    assert [s for s, _ in saved] == [empty_text, one]
    assert JsonPeopleFile.parse(one).entries == {"ann-example": person("ann-example")}


def test_an_entry_in_another_layout_is_read_and_left_as_it_is():
    text = (
        '{\n  "ann-b": {"names": [{"first": "Ann", "last": "B"}],\n'
        '        "orcid": "0000-0002-1825-0097"},\n'
        '  "cy-d": {\n    "names": [\n      {"last": "D"}\n    ]\n  }\n}\n'
    )
    people = JsonPeopleFile.parse(text)
    assert people.entries["ann-b"].orcid == "0000-0002-1825-0097"
    assert people.render({}) == text
    changed = people.render({"cy-d": replace(people.entries["cy-d"], degree="E")})
    assert changed.startswith(text[: people.spans["cy-d"][0]])  # ann-b kept as it was
    assert '"degree": "E"' in changed


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('{\n  "a-b": {\n    "names": []\n  }\n}\n', "entry 'a-b' has no names"),
        ('{\n  "a-b": {\n    "names": [{"first": "A"}]\n  }\n}\n', "a name without 'last'"),
        (
            '{\n  "a-b": {\n    "names": [{"last": "B"}],\n  }\n}\n',
            "'a-b' (line 2) is not valid JSON",
        ),
        (
            '{\n  "a-b": {"names": [{"last": "B"}]},\n  "a-b": {"names": [{"last": "C"}]}\n}\n',
            "lists 'a-b' twice",
        ),
        ('{"a-b": {"names": [{"last": "B"}]}}\n', "each entry must start a line of its own"),
        ("[1, 2]\n", "not a JSON object"),
        ('{\n  "a-b": 3\n}\n', "entry 'a-b' is not a mapping"),
        ('{\n  "a-b": {"names": [{"last": "B"}]}\n', "not valid JSON"),
    ],
)
def test_a_broken_people_json_is_refused_with_the_file_and_entry_named(text: str, says: str):
    with pytest.raises(PeopleFileError) as info:
        JsonPeopleFile.parse(text)
    assert str(info.value).startswith("data/json/people.json")
    assert says in str(info.value)


def test_the_json_escapes_are_the_librarys(tmp_path: Path):
    """json.dumps (unescaped UTF-8) escapes exactly what the library's encoder does,
    on every code point below U+0100 and the ones JavaScript treats as line ends."""
    chars = "".join(chr(i) for i in range(1, 0x100)) + "\u2028\u2029\ufeff🙂"
    people = JsonPeopleFile.parse("{}\n")
    text = people.render({"a-b": person("a-b", Name(chars, "B"), comment=chars)})
    [(saved, facts_read)] = library_people_saves("json", [text])
    assert saved == text
    assert facts_read["a-b"]["names"][0] == f"{chars} B"


@pytest.mark.parametrize(
    "changes",
    [
        {"zed": None},
        {"zed": None, "b-new": person("b-new")},
        {"zz-new": person("zz-new")},
        {"zed": None, "mid": None, "zz-new": person("zz-new")},
        {"mid": None, "zed": None},
    ],
)
def test_a_hand_sorted_file_stays_valid_json_whatever_the_change(changes):
    # "zed" before "mid" is not the library's order (it would sort on save): the
    # commas still follow the entries' places in the file.
    zed, mid = (dump_entry(person(p)) for p in ("zed", "mid"))
    unsorted = JsonPeopleFile.parse("{\n" + zed + ",\n" + mid + "\n}\n")
    assert unsorted.order == ["zed", "mid"]
    after = JsonPeopleFile.parse(unsorted.render(changes))
    expected = {p: e for p, e in unsorted.entries.items() if p not in changes}
    expected.update({p: e for p, e in changes.items() if e is not None})
    assert after.entries == expected


@pytest.mark.parametrize("era", ["json", "yaml"])
def test_a_changed_file_is_cut_as_reading_its_text_cuts_it(era: str):
    """`changed` cuts again only the entries around the edits: its IDs, spans and
    entries are those of the new text read from scratch, wherever the change is."""
    people = sample_people(era)
    cases = changes_of(people)
    middle = people.order[len(people.order) // 2]
    cases["delete-middle"] = {middle: None}
    cases["replace-and-insert-middle"] = {
        middle: replace(people.entries[middle], degree="Elsewhere"),
        middle + "-b": person(middle + "-b"),
    }
    windowed = 0
    for name, changes in cases.items():
        text = people.render(changes)
        windowed += people._cut_around(people.edits(changes), text) is not None
        after, fresh = people.changed(changes, text), read_people_file(people.path, text)
        assert after.order == fresh.order, name
        assert after.spans == fresh.spans, name
        assert after.entries == fresh.entries, name
    assert windowed >= 4  # the middle changes were cut around, not whole
