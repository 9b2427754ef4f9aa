"""Each field reader on the shapes people really write."""

from __future__ import annotations

import pytest

from bot.engine.parse.degree import read_degree
from bot.engine.parse.kinds import kind_of_label, read_checkboxes, read_kinds
from bot.engine.parse.orcids import read_orcid_field, read_orcid_in_text
from bot.engine.parse.pages import (
    pages_in_title,
    read_pages_field,
    reconcile_title,
)
from bot.engine.parse.papers import (
    dedupe_papers,
    find_paper_refs,
    is_bibkey,
    read_paper_list,
    title_ref_of_line,
)
from bot.engine.parse.preferred_name import find_name_parts, read_preferred_name, split_name
from bot.engine.parse.stance import says_rest_is_mine
from bot.engine.parse.target import read_target
from bot.engine.request import NameValue, PageRef, PaperRef, Target


def codes(notices: object) -> list[str]:
    return [notice.code for notice in notices]  # type: ignore[attr-defined]


# --- papers ---------------------------------------------------------------------


def ids(refs: list[PaperRef] | tuple[PaperRef, ...]) -> list[tuple[str, str]]:
    return [(ref.kind, ref.value) for ref in refs]


def test_paper_list_reads_every_written_form() -> None:
    text = "\n".join(
        [
            "https://aclanthology.org/2024.ccl-3.15/",
            "https://aclanthology.org/2024.ccl-3.16.pdf",
            "https://aclanthology.org/2024.ccl-3.17/#",
            "https://aclanthology.org/2024.ccl-3.18#abstract",
            "https://aclanthology.org/2024.ccl-3.19",
            "http://www.aclanthology.org/2024.ccl-3.20/?x=1",
            "https://aclanthology.org/papers/P19-1001/",
            "- 2024.emnlp-main.123",
            "* `N19-2007`",
            "1. W18-6310",
            "2022.wassa-1",
            "P18-1",
            "cheng-etal-2022-semantically",
            "<https://aclanthology.org/2024.ccl-3.21/>",
        ]
    )
    refs, notices = read_paper_list(text)
    assert notices == []
    assert ids(refs) == [
        ("anthology-id", "2024.ccl-3.15"),
        ("anthology-id", "2024.ccl-3.16"),
        ("anthology-id", "2024.ccl-3.17"),
        ("anthology-id", "2024.ccl-3.18"),
        ("anthology-id", "2024.ccl-3.19"),
        ("anthology-id", "2024.ccl-3.20"),
        ("anthology-id", "P19-1001"),
        ("anthology-id", "2024.emnlp-main.123"),
        ("anthology-id", "N19-2007"),
        ("anthology-id", "W18-6310"),
        ("anthology-id", "2022.wassa-1"),
        ("anthology-id", "P18-1"),
        ("bibkey", "cheng-etal-2022-semantically"),
        ("anthology-id", "2024.ccl-3.21"),
    ]
    assert refs[1].raw == "https://aclanthology.org/2024.ccl-3.16.pdf"


def test_paper_list_titles_and_unusable_links() -> None:
    text = (
        "My papers:\n"
        '- "Semantically Consistent Data Augmentation for Neural Machine Translation"\n'
        "https://scholar.google.com/citations?user=abc\n"
        "https://dblp.org/pid/12/3456.html\n"
        "https://www.semanticscholar.org/paper/xyz\n"
        "https://arxiv.org/abs/2401.00001\n"
        "https://example.edu/~me/paper.pdf\n"
        "https://example.edu/~me/\n"
    )
    refs, _ = read_paper_list(text)
    assert ids(refs) == [
        ("title", "Semantically Consistent Data Augmentation for Neural Machine Translation"),
        ("unusable-link", "https://scholar.google.com/citations?user=abc"),
        ("unusable-link", "https://dblp.org/pid/12/3456.html"),
        ("unusable-link", "https://www.semanticscholar.org/paper/xyz"),
        ("unusable-link", "https://arxiv.org/abs/2401.00001"),
        ("unusable-link", "https://example.edu/~me/paper.pdf"),
        ("unusable-link", "https://example.edu/~me/"),
    ]


def test_paper_list_ignores_struck_lines() -> None:
    text = "~~2024.ccl-3.15~~ already done\n- ~2024.ccl-3.16~ done\n2024.ccl-3.17"
    refs, _ = read_paper_list(text)
    assert ids(refs) == [("anthology-id", "2024.ccl-3.17")]


def test_paper_list_several_on_a_line() -> None:
    refs, _ = read_paper_list("2024.ccl-3.15, 2024.ccl-3.16 and P19-1001.")
    assert ids(refs) == [
        ("anthology-id", "2024.ccl-3.15"),
        ("anthology-id", "2024.ccl-3.16"),
        ("anthology-id", "P19-1001"),
    ]


def test_paper_list_placeholder_is_empty_with_a_warning() -> None:
    refs, notices = read_paper_list("-Provide Anthology IDs or Anthology URLs here-")
    assert refs == []
    assert codes(notices) == ["placeholder"]


def test_paper_list_crlf() -> None:
    refs, _ = read_paper_list("2024.ccl-3.15\r\n2024.ccl-3.16\r\n".replace("\r\n", "\n"))
    assert ids(refs) == [("anthology-id", "2024.ccl-3.15"), ("anthology-id", "2024.ccl-3.16")]


def test_prose_takes_links_ids_and_bibkeys_but_no_titles() -> None:
    text = (
        "Mine: https://aclanthology.org/2024.ccl-3.15/ and "
        "https://aclanthology.org/2024.ccl-3.41/. "
        "Also N19-2007, 2022.wassa-1.20 and cheng-etal-2022-semantically.\n"
        "A Paper Title That Is Not Guessed\n"
        "My homepage https://example.edu/~me/ and Scholar https://scholar.google.com/x.\n"
        "Not COVID-19 nor P18-1 nor jin-liu-4161. ~~2024.ccl-3.99~~ done"
    )
    assert ids(find_paper_refs(text)) == [
        ("anthology-id", "2024.ccl-3.15"),
        ("anthology-id", "2024.ccl-3.41"),
        ("anthology-id", "N19-2007"),
        ("anthology-id", "2022.wassa-1.20"),
        ("bibkey", "cheng-etal-2022-semantically"),
        ("unusable-link", "https://scholar.google.com/x"),
    ]


def test_prose_ignores_person_pages_and_orcid_links() -> None:
    text = "https://aclanthology.org/people/jin-liu/ https://orcid.org/0000-0002-4345-7946"
    assert find_paper_refs(text) == []


def test_markdown_link_to_a_paper_counts_once() -> None:
    text = "[https://aclanthology.org/2024.ccl-3.15/](https://aclanthology.org/2024.ccl-3.15.pdf)"
    assert ids(dedupe_papers(find_paper_refs(text))) == [("anthology-id", "2024.ccl-3.15")]


def test_dedupe_keeps_first_mention_order() -> None:
    refs = [
        PaperRef("anthology-id", "B", "b"),
        PaperRef("title", "A Title", "a"),
        PaperRef("anthology-id", "B", "b2"),
        PaperRef("title", "a title", "a2"),
    ]
    assert dedupe_papers(refs) == (refs[0], refs[1])


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("cheng-etal-2022-semantically", True),
        ("wassa-2022-approaches", True),
        ("post-2018-call", True),
        ("jin-liu-4161", False),
        ("2022-semantically", False),
        ("cheng-etal-2022", False),
        ("Cheng-etal-2022-semantically", False),
        ("cheng-etal-1850-old", False),
    ],
)
def test_is_bibkey(token: str, expected: bool) -> None:
    assert is_bibkey(token) is expected


# --- author pages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://aclanthology.org/people/jin-liu/", "jin-liu"),
        ("https://aclanthology.org/people/jin-liu/unverified/", "jin-liu/unverified"),
        ("https://aclanthology.org/people/j/jin-liu/", "jin-liu"),
        ("http://aclanthology.org/people/jin-liu", "jin-liu"),
        ("https://www.aclweb.org/anthology/people/m/matt-post", "matt-post"),
        ("<https://aclanthology.org/people/jin-liu-4161/>", "jin-liu-4161"),
        ("- **https://aclanthology.org/people/jin-liu/**", "jin-liu"),
        ("jin-liu-4161", "jin-liu-4161"),
        ("jin-liu/unverified", "jin-liu/unverified"),
    ],
)
def test_pages_field_reads_one_page(text: str, expected: str) -> None:
    reading = read_pages_field(text, "Author Pages")
    assert [page.id for page in reading.pages] == [expected]
    assert reading.notices == ()


def test_pages_field_several_pages_in_order_once() -> None:
    text = (
        "https://aclanthology.org/people/kehai-chen/\n"
        "https://aclanthology.org/people/chen-kehai/unverified/\n"
        "https://aclanthology.org/people/k/kehai-chen/\n"
        "Both are me."
    )
    reading = read_pages_field(text, "Author Pages")
    assert reading.pages == (
        PageRef("kehai-chen", "https://aclanthology.org/people/kehai-chen/"),
        PageRef("chen-kehai/unverified", "https://aclanthology.org/people/chen-kehai/unverified/"),
    )
    assert reading.notices == ()


def test_paper_urls_in_the_pages_field_become_papers() -> None:
    text = "https://aclanthology.org/2024.ccl-3.15/\nhttps://aclanthology.org/2024.ccl-3.41/"
    reading = read_pages_field(text, "Author Pages")
    assert reading.pages == ()
    assert ids(reading.papers) == [
        ("anthology-id", "2024.ccl-3.15"),
        ("anthology-id", "2024.ccl-3.41"),
    ]
    assert codes(reading.notices) == ["paper-in-pages"]
    assert "2024.ccl-3.15, 2024.ccl-3.41" in reading.notices[0].message


def test_a_plain_name_in_the_pages_field_is_a_warning() -> None:
    reading = read_pages_field("Jin Liu", "Author Pages")
    assert reading.pages == ()
    assert codes(reading.notices) == ["page-as-name"]
    assert "`Jin Liu`" in reading.notices[0].message


def test_a_name_next_to_a_page_url_is_just_a_label() -> None:
    reading = read_pages_field("Jin Liu: https://aclanthology.org/people/jin-liu/", "x")
    assert [page.id for page in reading.pages] == ["jin-liu"]
    assert reading.notices == ()


def test_prose_in_the_pages_field_is_unreadable() -> None:
    reading = read_pages_field("Could you please fix my page? It has 3 wrong papers.", "x")
    assert reading.pages == ()
    assert codes(reading.notices) == ["page-unreadable"]


def test_pages_field_placeholder() -> None:
    reading = read_pages_field("-Add author page here-", "Author Pages")
    assert codes(reading.notices) == ["placeholder"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Author Page: valentin-barriere/unverified", ["valentin-barriere/unverified"]),
        ("Author Page: wei-li-5911", ["wei-li-5911"]),
        ("Fix paper assignments: jin-liu/unverified", ["jin-liu/unverified"]),
        ("Author Page: https://aclanthology.org/people/j/jin-liu/", ["jin-liu"]),
        ("Author Page: {replace with author name}", []),
        ("Author Page: Jin Liu", []),
        ("Please fix my page", []),
    ],
)
def test_pages_in_title(title: str, expected: list[str]) -> None:
    assert [page.id for page in pages_in_title(title)] == expected


def test_body_page_wins_over_the_title_with_a_warning() -> None:
    pages = [PageRef("jin-liu", "https://aclanthology.org/people/jin-liu/")]
    used, notices = reconcile_title(pages, [PageRef("jin-liu/unverified", "x")])
    assert used == tuple(pages)
    assert codes(notices) == ["title-page-mismatch"]
    assert "jin-liu/unverified" in notices[0].message
    assert "the page listed in the issue is jin-liu:" in notices[0].message


def test_title_page_used_when_the_body_has_none() -> None:
    used, notices = reconcile_title([], [PageRef("jin-liu/unverified", "jin-liu/unverified")])
    assert [page.id for page in used] == ["jin-liu/unverified"]
    assert codes(notices) == ["page-from-title"]


def test_title_page_among_the_body_pages_is_silent() -> None:
    pages = [PageRef("a-b", "a-b"), PageRef("c-d", "c-d")]
    assert reconcile_title(pages, [PageRef("c-d", "c-d")]) == (tuple(pages), [])


# --- ORCID ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "https://orcid.org/0000-0002-4345-7946",
        "https://orcid.org/my-orcid?orcid=0000-0002-4345-7946",
        "orcid.org/0000-0002-4345-7946",
        "[0000-0002-4345-7946](https://orcid.org/0000-0002-4345-7946)",
        "My ORCID is 0000-0002-4345-7946.",
        "0000 0002 4345 7946",
        "0000000243457946",
        "`0000-0002-4345-7946`",
        "-Add ORCID here- 0000-0002-4345-7946",
    ],
)
def test_orcid_field_shapes(text: str) -> None:
    reading = read_orcid_field(text)
    assert reading.orcid == "0000-0002-4345-7946"
    assert reading.raw == text.strip()
    assert reading.notices == ()


def test_orcid_lowercase_x() -> None:
    reading = read_orcid_field("https://orcid.org/0000-0002-0912-083x")
    assert reading.orcid == "0000-0002-0912-083X"
    assert reading.notices == ()


def test_two_orcids_give_none_and_list_both() -> None:
    reading = read_orcid_field("0000-0002-4345-7946 (me), 0000-0002-3019-5174 (my student)")
    assert reading.orcid is None
    assert reading.raw == "0000-0002-4345-7946 (me), 0000-0002-3019-5174 (my student)"
    assert codes(reading.notices) == ["orcid-several"]
    assert "0000-0002-4345-7946" in reading.notices[0].message
    assert "0000-0002-3019-5174" in reading.notices[0].message


def test_bad_checksum_is_kept_by_value_and_flagged() -> None:
    reading = read_orcid_field("https://orcid.org/0000-0002-1694-2330")
    assert reading.orcid == "0000-0002-1694-2330"
    assert codes(reading.notices) == ["orcid-checksum"]
    assert "0000-0002-1694-2330" in reading.notices[0].message


def test_orcid_placeholder_and_empty_and_junk() -> None:
    assert codes(read_orcid_field("-Add ORCID here-").notices) == ["placeholder"]
    assert read_orcid_field("-Add ORCID here-").raw == "-Add ORCID here-"
    assert read_orcid_field("_No response_") == read_orcid_field(None)
    assert read_orcid_field(None).orcid is None
    junk = read_orcid_field("I don't have one")
    assert (junk.orcid, codes(junk.notices)) == (None, ["orcid-unreadable"])


def test_the_forms_example_orcid_is_not_taken() -> None:
    reading = read_orcid_field("https://orcid.org/my-orcid?orcid=0009-0003-8868-7504")
    assert reading.orcid is None
    assert codes(reading.notices) == ["orcid-example"]


def test_orcid_in_the_title_or_prose() -> None:
    reading = read_orcid_in_text(
        [("title", "Author Page: jin-liu 0000-0002-4345-7946"), ("notes", "")]
    )
    assert reading.orcid == "0000-0002-4345-7946"
    assert codes(reading.notices) == ["orcid-from-text"]
    assert "title" in reading.notices[0].message


def test_orcid_in_prose_needs_an_issued_block() -> None:
    assert read_orcid_in_text([("notes", "order 1234567812345678")]).orcid is None


# --- degree ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Universität Stuttgart (https://www.uni-stuttgart.de)", "Universität Stuttgart"),
        ("Johns Hopkins University (https://www.jhu.edu/)", "Johns Hopkins University"),
        ("Ph.D candidate, Tsinghua University", "Tsinghua University"),
        ("PhD student at University of Edinburgh", "University of Edinburgh"),
        ("PhD, Stanford University", "Stanford University"),
        ("Master's student at Peking University", "Peking University"),
        ("Télécom Paris (PhD)", "Télécom Paris"),
        ("University of Tokyo (expected 2027)", "University of Tokyo"),
        ("TUM", "TUM"),
        (
            "Graduate School of Informatics, Kyoto University",
            "Graduate School of Informatics, Kyoto University",
        ),
        ("Nanjing  University  ", "Nanjing University"),
        ("**Soochow University**", "Soochow University"),
        (
            "Universidade Federal de Minas Gerais (UFMG)",
            "Universidade Federal de Minas Gerais (UFMG)",
        ),
    ],
)
def test_degree_cleaning(text: str, expected: str) -> None:
    assert read_degree(text) == (expected, [])


@pytest.mark.parametrize("text", ["N/A", "none", "-", "_No response_", "", None])
def test_degree_empty(text: str | None) -> None:
    assert read_degree(text) == (None, [])


def test_degree_placeholder_and_unreadable() -> None:
    degree, notices = read_degree("-Add insitution here-")
    assert (degree, codes(notices)) == (None, ["placeholder"])
    degree, notices = read_degree("https://www.uni-stuttgart.de")
    assert (degree, codes(notices)) == (None, ["degree-unreadable"])


# --- preferred name ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MingWen Wang", NameValue("MingWen", "Wang")),
        ("Wang, MingWen", NameValue("MingWen", "Wang")),
        ("WANG Mingwen", NameValue("Mingwen", "WANG")),
        ("Mingwen WANG", NameValue("Mingwen", "WANG")),
        ("JIN LIU", NameValue("JIN", "LIU")),
        ("Aarón Galiano-Jiménez", NameValue("Aarón", "Galiano-Jiménez")),
        ("Alan W. Black", NameValue("Alan W.", "Black")),
        ("Jan van der Berg", NameValue("Jan", "van der Berg")),
        ("Mausam", NameValue(None, "Mausam")),
        ("Mingwen Wang (王明文)", NameValue("Mingwen", "Wang")),
        ("  Jin   Liu ", NameValue("Jin", "Liu")),
    ],
)
def test_split_name(text: str, expected: NameValue) -> None:
    assert split_name(text) == expected


def test_preferred_name_field() -> None:
    assert read_preferred_name("**Wang, MingWen**") == (NameValue("MingWen", "Wang"), [])
    assert read_preferred_name("_No response_") == (None, [])
    assert read_preferred_name(None) == (None, [])
    name, notices = read_preferred_name("https://example.edu/me")
    assert (name, codes(notices)) == (None, ["name-unreadable"])


# --- kinds ---------------------------------------------------------------------------------

KINDS_2026 = (
    "- [{}] Verification: The author wishes to add an ORCID iD to their author page.\n"
    "- [{}] Split/disambiguate: The author page includes papers from two or more different "
    "people.\n"
    "- [{}] Merge profiles: A single author has multiple profiles with different spellings "
    "or variants of their name.\n"
    "- [{}] Name change: This author has permanently changed their name."
)
KINDS_2024 = (
    "- [{}] The author page wrongly conflates different people with the same name.\n"
    "- [{}] This author has multiple pages with different spellings of their name.\n"
    "- [{}] This author has permanently changed their name."
)


@pytest.mark.parametrize(
    ("ticks", "expected"),
    [
        ("X   ", ("verify",)),
        ("XX  ", ("verify", "split")),
        (" X  ", ("split",)),
        ("  X ", ("merge",)),
        ("   X", ("name-change",)),
        ("X X ", ("verify", "merge")),
        ("x   ", ("verify",)),
    ],
)
def test_kinds_2026(ticks: str, expected: tuple[str, ...]) -> None:
    kinds, notices = read_kinds(KINDS_2026.format(*ticks))
    assert kinds == expected
    assert notices == []


@pytest.mark.parametrize(
    ("ticks", "expected"),
    [("x  ", ("split",)), (" x ", ("merge",)), ("  x", ("name-change",))],
)
def test_kinds_2024(ticks: str, expected: tuple[str, ...]) -> None:
    assert read_kinds(KINDS_2024.format(*ticks)) == (expected, [])


def test_no_box_ticked() -> None:
    kinds, notices = read_kinds(KINDS_2026.format(" ", " ", " ", " "))
    assert kinds == ()
    assert codes(notices) == ["kinds-none"]
    assert codes(read_kinds(None)[1]) == ["kinds-none"]


def test_all_boxes_ticked_are_returned_as_ticked() -> None:
    kinds, notices = read_kinds(KINDS_2026.format("X", "X", "X", "X"))
    assert kinds == ("verify", "split", "merge", "name-change")
    assert codes(notices) == ["kinds-all"]


def test_unknown_box_is_left_out_with_a_warning() -> None:
    kinds, notices = read_kinds("- [X] Something else entirely\n- [X] Merge profiles: x")
    assert kinds == ("merge",)
    assert codes(notices) == ["kind-unknown"]


def test_read_checkboxes_and_labels() -> None:
    boxes = read_checkboxes("- [X] a\n- [ ] b\n* [x] c\n~~- [X] d~~\nnot a box")
    assert [(box.checked, box.label) for box in boxes] == [(True, "a"), (False, "b"), (True, "c")]
    assert kind_of_label("Merge profiles: A single author has multiple profiles") == "merge"
    assert kind_of_label("whatever") is None


# --- target ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("new", Target(new=True)),
        ("New", Target(new=True)),
        ("a new author page", Target(new=True)),
        ("new page", Target(new=True)),
        ("`new`", Target(new=True)),
        ("jin-liu-4161", Target("jin-liu-4161")),
        ("https://aclanthology.org/people/jin-liu-4161/", Target("jin-liu-4161")),
        ("https://aclanthology.org/people/j/jin-liu-4161", Target("jin-liu-4161")),
        ("new: jin-liu-edinburgh", Target("jin-liu-edinburgh", new=True)),
        ("new (jin-liu-edinburgh)", Target("jin-liu-edinburgh", new=True)),
        ("newton-smith", Target("newton-smith")),
    ],
)
def test_target(text: str, expected: Target) -> None:
    assert read_target(text) == (expected, [])


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (None, "target-missing"),
        ("_No response_", "target-missing"),
        ("jin-liu/unverified", "target-unverified"),
        ("https://aclanthology.org/people/jin-liu/unverified/", "target-unverified"),
        ("Jin Liu", "target-unreadable"),
        ("https://aclanthology.org/2024.ccl-3.15/", "target-unreadable"),
        ("\u017fin-liu", "target-unreadable"),
    ],
)
def test_target_problems(text: str | None, code: str) -> None:
    target, notices = read_target(text)
    assert target == Target()
    assert codes(notices) == [code]


# --- judgement calls, pinned ------------------------------------------------------------


def test_intro_lines_are_not_titles_but_titles_are() -> None:
    text = (
        "These are my papers\n"
        "My papers are the following\n"
        "My Mother Tongue: A Study of Works\n"
        "All You Need Is Attention for Papers"
    )
    refs, _ = read_paper_list(text)
    assert ids(refs) == [
        ("title", "My Mother Tongue: A Study of Works"),
        ("title", "All You Need Is Attention for Papers"),
    ]


def test_several_names_in_the_pages_field() -> None:
    reading = read_pages_field("Jin Liu, Liu Jin", "Author Pages")
    assert codes(reading.notices) == ["page-as-name"]


def test_a_profile_link_in_the_pages_field_is_not_a_paper() -> None:
    reading = read_pages_field("https://scholar.google.com/citations?user=abc", "Author Pages")
    assert (reading.pages, reading.papers) == ((), ())
    assert codes(reading.notices) == ["page-unreadable"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Carnegie Mellon University, 2019", "Carnegie Mellon University"),
        ("University of Tokyo (2026)", "University of Tokyo"),
        ("Ph.D. from MIT", "MIT"),
        ("MA in Linguistics, University of Tübingen", "University of Tübingen"),
        ("Masaryk University", "Masaryk University"),
    ],
)
def test_more_degree_shapes(text: str, expected: str) -> None:
    assert read_degree(text) == (expected, [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Jin Liu", NameValue("Jin", "Liu")),
        ("Jin Liu, PhD", NameValue("Jin", "Liu")),
        ("Prof Wang, MingWen", NameValue("MingWen", "Wang")),
    ],
)
def test_titles_and_degrees_around_a_name(text: str, expected: NameValue) -> None:
    assert read_preferred_name(text) == (expected, [])


# --- pages set aside or doubted by the words around them --------------------------


def test_a_page_in_a_sentence_saying_it_is_handled_otherwise_is_set_aside() -> None:
    text = (
        "https://aclanthology.org/people/marta-costa-jussa/\n"
        "https://aclanthology.org/people/marta-r-costa-jussa/\n\n"
        "Edit: the third one (https://aclanthology.org/people/maria-r-costa-jussa/) goes "
        "away once its metadata is corrected."
    )
    reading = read_pages_field(text, "Author Pages")
    assert [page.id for page in reading.pages] == ["marta-costa-jussa", "marta-r-costa-jussa"]
    assert [page.id for page in reading.aside] == ["maria-r-costa-jussa"]
    assert "goes away" in reading.aside[0].raw
    assert reading.unclear == () and reading.notices == ()


@pytest.mark.parametrize(
    "line",
    [
        "Maybe also https://aclanthology.org/people/jin-liu/ (not sure)",
        "Please merge https://aclanthology.org/people/jin-liu/ too, or ignore it",
    ],
)
def test_a_page_in_words_of_doubt_is_unclear(line: str) -> None:
    reading = read_pages_field(f"https://aclanthology.org/people/kehai-chen/\n{line}", "x")
    assert [page.id for page in reading.pages] == ["kehai-chen"]
    assert [page.id for page in reading.unclear] == ["jin-liu"]


def test_a_page_with_a_plain_label_stays_a_page() -> None:
    # Words beside a link that neither set it aside nor doubt it are a label.
    reading = read_pages_field("My second page: https://aclanthology.org/people/jin-liu/", "x")
    assert [page.id for page in reading.pages] == ["jin-liu"]
    assert reading.aside == () and reading.unclear == ()


# --- a name given part by part in prose ---------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'My given name is "Haraldur Orri" and my family name "Hauksson".',
            NameValue("Haraldur Orri", "Hauksson"),
        ),
        (
            "It should be:\ngiven name - Keren\nfamily name - Gruteke Klein",
            NameValue("Keren", "Gruteke Klein"),
        ),
        ("First name: Wei\nLast name: Wang", NameValue("Wei", "Wang")),
        ("My surname was split wrongly on the paper.", None),
        ("The page takes 'Keren Gruteke' as my given name.", None),
        ("given name - Keren", None),  # one part alone says nothing of the split
    ],
)
def test_find_name_parts(text: str, expected: NameValue | None) -> None:
    assert find_name_parts(text) == expected


def test_lines_giving_name_parts_are_not_titles() -> None:
    assert title_ref_of_line("given name - Keren Gruteke") is None
    assert title_ref_of_line("Family name: van der Berg Smit") is None
    assert title_ref_of_line("Neural Machine Translation of Rare Words") is not None


def test_name_parts_after_it_is() -> None:
    text = '"Na" is not my given name: it is "Na Min", and my family name is "An".'
    assert find_name_parts(text) == NameValue("Na Min", "An")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The rest are mine.", True),
        ("All papers on this page are mine except the 2019 one.", True),
        ("The remaining ones are mine too.", True),
        ("The others are not mine.", False),
        ("Please split the rest of the page.", False),
    ],
)
def test_says_rest_is_mine(text: str, expected: bool) -> None:
    assert says_rest_is_mine(text) is expected
