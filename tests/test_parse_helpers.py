"""The helpers the parser adds to bot/anthology: IDs read from URLs and from how
people write them, ORCID iDs found in free text."""

from __future__ import annotations

import pytest

from bot.anthology.ids import id_from_url, read_written_id
from bot.anthology.orcid import find_orcids, normalise_orcid


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://aclanthology.org/2024.ccl-3.15/", "2024.ccl-3.15"),
        ("https://aclanthology.org/2024.ccl-3.15", "2024.ccl-3.15"),
        ("https://aclanthology.org/2024.ccl-3.15.pdf", "2024.ccl-3.15"),
        ("https://aclanthology.org/2024.ccl-3.15/#", "2024.ccl-3.15"),
        ("https://aclanthology.org/2024.ccl-3.15/#abstract", "2024.ccl-3.15"),
        ("https://aclanthology.org/2024.ccl-3.15/?utm_source=x", "2024.ccl-3.15"),
        ("http://aclanthology.org/2024.ccl-3.15/", "2024.ccl-3.15"),
        ("https://www.aclanthology.org/2024.ccl-3.15/", "2024.ccl-3.15"),
        ("aclanthology.org/2024.ccl-3.15", "2024.ccl-3.15"),
        ("https://aclanthology.org/2024.emnlp-main.123v2.pdf", "2024.emnlp-main.123"),
        ("https://aclanthology.org/P19-1001/", "P19-1001"),
        ("https://aclanthology.org/papers/P19-1001/", "P19-1001"),
        ("https://aclanthology.org/N19-2007.pdf", "N19-2007"),
        ("https://aclanthology.org/W18-6310/", "W18-6310"),
        ("https://www.aclweb.org/anthology/W18-6310.pdf", "W18-6310"),
        ("https://aclanthology.org/2022.wassa-1/", "2022.wassa-1"),
        ("https://aclanthology.org/volumes/2022.wassa-1/", "2022.wassa-1"),
        ("https://aclanthology.org/2022.wassa-1.0.pdf", "2022.wassa-1.0"),
        ("https://aclanthology.org/2024.ccl-3.15.bib", "2024.ccl-3.15"),
    ],
)
def test_id_from_url_reads_every_written_form(url: str, expected: str) -> None:
    aid = id_from_url(url)
    assert aid is not None
    assert aid.full == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://aclanthology.org/people/jin-liu/",
        "https://aclanthology.org/people/j/jin-liu/",
        "https://aclanthology.org/",
        "https://aclanthology.org/events/acl-2024/",
        "https://scholar.google.com/citations?user=abc",
        "https://arxiv.org/abs/2401.00001",
        "https://www.aclweb.org/portal/",
        "http://[broken/",
    ],
)
def test_id_from_url_rejects_what_is_not_a_paper_url(url: str) -> None:
    assert id_from_url(url) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("P19-1001", "P19-1001"),
        ("p19-1001", "P19-1001"),
        (" N19-2007 ", "N19-2007"),
        ("W18-6310", "W18-6310"),
        ("P18-1", "P18-1"),
        ("2024.EMNLP-main.123", "2024.emnlp-main.123"),
        ("2024.emnlp-main.123v2", "2024.emnlp-main.123"),
        ("2022.wassa-1", "2022.wassa-1"),
        ("P19-1001.pdf", "P19-1001"),
    ],
)
def test_read_written_id(text: str, expected: str) -> None:
    aid = read_written_id(text)
    assert aid is not None
    assert aid.full == expected


@pytest.mark.parametrize("text", ["", "jin-liu", "cheng-etal-2022-semantically", "hello"])
def test_read_written_id_rejects_non_ids(text: str) -> None:
    assert read_written_id(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://orcid.org/0000-0002-4345-7946", ["0000-0002-4345-7946"]),
        (
            "https://orcid.org/my-orcid?orcid=0009-0001-2345-6789",
            ["0009-0001-2345-6789"],
        ),
        (
            "[0000-0002-4345-7946](https://orcid.org/0000-0002-4345-7946)",
            ["0000-0002-4345-7946"],
        ),
        ("my iD is 0000-0002-1825-009x, thanks", ["0000-0002-1825-009X"]),
        ("0000 0002 1825 0097", ["0000-0002-1825-0097"]),
        ("0000000218250097", ["0000-0002-1825-0097"]),
        ("0000\u20130002\u20131825\u20130097", ["0000-0002-1825-0097"]),
        (
            "me: 0000-0002-4345-7946, my coauthor: 0000-0002-3019-5174",
            ["0000-0002-4345-7946", "0000-0002-3019-5174"],
        ),
        ("phone 12345678901234567890", []),
        ("no iD here", []),
    ],
)
def test_find_orcids(text: str, expected: list[str]) -> None:
    assert find_orcids(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        (" https://orcid.org/0000-0002-1825-0097/ ", "0000-0002-1825-0097"),
        ("orcid.org/0000000218250097", "0000-0002-1825-0097"),
        ("0000 0002 1825 009x", "0000-0002-1825-009X"),
        ("0000-0002-1825-0097 and more", None),
        ("", None),
    ],
)
def test_normalise_orcid(text: str, expected: str | None) -> None:
    assert normalise_orcid(text) == expected
