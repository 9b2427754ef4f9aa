"""Reading real requests the way a maintainer does (issue #8), on the full Anthology
fixture: where the papers are, which papers the person lists, which they say are not
theirs, which page they ask to keep, when to ask instead of guessing, and saying in
one sentence what was read from the prose.

Each test is one shape of request that real issues have, restated against the data.
Plans only: nothing is written (the index is shared by the module).
"""

from __future__ import annotations

import pytest

from bot.anthology.index import DataIndex
from bot.engine.api import plan_issue
from tests.issues import anthology_issue

pytestmark = pytest.mark.full

CHEN_WANG_ORCID = "0000-0002-9315-3780"  # chen-wang, a verified Chen Wang



def plan_json(index: DataIndex, issue: dict) -> dict:
    return plan_issue(index, issue).to_json()


def moved(plan: dict) -> dict[str, str]:
    return {m["paper"]: m["to"] for m in plan["moves"]}


def codes(plan: dict, key: str = "problems") -> list[str]:
    return [p["code"] for p in plan[key]]


def text_of(plan: dict, key: str) -> str:
    return " ".join(p["message"] for p in plan[key])


def custom_issue(title: str, pages_field: str, kinds: set[str], **fields: str) -> dict:
    """The 2026 form with the Author Pages field written as given."""
    issue = anthology_issue(["x"], kinds, **fields)
    body = issue["body"].replace("https://aclanthology.org/people/x/", pages_field)
    return {**issue, "title": title, "body": body}


# ------------------------------------------------------ listed papers bound the change


def test_merge_ticked_with_listed_papers_moves_only_those(full_index):
    # chen-wang/unverified holds five papers of several Chen Wangs; the person ticks
    # Merge, names their verified page and lists the two that are theirs.
    issue = anthology_issue(
        ["chen-wang/unverified", "chen-wang"],
        {"merge"},
        f"https://orcid.org/{CHEN_WANG_ORCID}",
        "Institute of Automation, CAS",
        info="These two of my papers are on the unverified page:\n"
        "https://aclanthology.org/2024.emnlp-main.1070/\n"
        "https://aclanthology.org/2025.findings-acl.1088/",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert moved(plan) == {
        "2024.emnlp-main.1070": "chen-wang",
        "2025.findings-acl.1088": "chen-wang",
    }
    assert plan["check"]["other_occurrences_changed"] == 0
    # The reading is said: only the listed papers move, the rest of the page stays.
    assert "3 other papers" in text_of(plan, "notes")


# ------------------------------------------------------------- mine and not mine


def test_a_paper_said_to_be_someone_elses_stays_where_it_is(full_index):
    issue = anthology_issue(
        ["tobias-kuhn/unverified"],
        {"verify", "split"},
        "https://orcid.org/0000-0003-1234-5674",
        "University of Zurich",
        info="This one is mine:\nhttps://aclanthology.org/J14-1005/\n\n"
        "This one is someone else's, please remove it:\nhttps://aclanthology.org/D07-1128/",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert moved(plan) == {"J14-1005": "tobias-kuhn"}
    # The four papers left on the page keep it: the new person takes none by name.
    assert plan["target"]["disable_name_matching"] is True
    notes = text_of(plan, "notes")
    assert "I read D07-1128 as not yours, so it stays on tobias-kuhn/unverified" in notes


def test_a_paper_both_mine_and_not_mine_is_asked_about(full_index):
    issue = anthology_issue(
        ["tobias-kuhn/unverified"],
        {"verify", "split"},
        "https://orcid.org/0000-0003-1234-5674",
        "University of Zurich",
        info="Mine: https://aclanthology.org/J14-1005/ and https://aclanthology.org/D07-1128/\n\n"
        "Not mine: https://aclanthology.org/D07-1128/",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "needs-info"
    assert codes(plan) == ["paper-mine-and-not-mine"]
    assert "D07-1128" in text_of(plan, "problems")


def test_all_but_the_papers_said_not_mine(full_index):
    # A verification of the whole page except one paper named as someone else's.
    issue = anthology_issue(
        ["tobias-kuhn/unverified"],
        {"verify"},
        "https://orcid.org/0000-0003-1234-5674",
        "University of Zurich",
        info="All papers on this page are mine except https://aclanthology.org/D07-1128/ "
        "which is by a different person.",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert set(moved(plan)) == {"2020.law-1.2", "2021.cnl-1", "J14-1005", "U08-1007"}
    assert "D07-1128" in text_of(plan, "notes")


# ------------------------------------------------------------ what to keep


def test_keep_the_first_pages_id_in_a_merge_of_two_unverified_pages(full_index):
    issue = anthology_issue(
        ["estrid-he/unverified", "jiayuan-he/unverified"],
        {"verify", "merge"},
        "https://orcid.org/0000-0002-8994-9532",
        "The University of Melbourne",
        info="Both pages are me. Please keep the first page's ID.",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert plan["target"]["id"] == "estrid-he"
    assert plan["target"]["names"][0] == {"first": "Estrid", "last": "He"}
    assert len(plan["moves"]) == 4
    assert "estrid-he" in text_of(plan, "notes")


def test_keep_a_page_named_by_its_url(full_index):
    issue = anthology_issue(
        ["estrid-he/unverified", "jiayuan-he/unverified"],
        {"merge"},
        "https://orcid.org/0000-0002-8994-9532",
        "The University of Melbourne",
        info="Please merge into https://aclanthology.org/people/jiayuan-he/unverified/ "
        "(that ID should remain).",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert plan["target"]["id"] == "jiayuan-he"


# ------------------------------------------------------- pages it could find


@pytest.mark.parametrize(
    "field",
    [
        "https://aclanthology.org/people/tobias-kuhn",
        "https://aclanthology.org/people/tobias-kuhn/",
        "http://aclanthology.org/people/t/tobias-kuhn/",
        "aclanthology.org/people/tobias-kuhn",
    ],
)
def test_a_named_page_that_does_not_exist_is_its_one_sibling(full_index, field):
    issue = custom_issue(
        "Author Page: tobias-kuhn/unverified",
        field,
        {"verify"},
        orcid="https://orcid.org/0000-0003-1234-5674",
        institution="University of Zurich",
        info="All of these papers are mine.",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert plan["source"] == ["tobias-kuhn/unverified"]
    assert len(plan["moves"]) == 5
    assert "tobias-kuhn/unverified" in text_of(plan, "notes")
    assert not {"title-page-mismatch", "unknown-page", "page-missing"} & set(
        codes(plan, "warnings") + codes(plan, "problems")
    )


def test_an_unknown_page_is_one_problem_not_two(full_index):
    issue = custom_issue(
        "Author Page: nobody-at-all-here",
        "https://aclanthology.org/people/nobody-at-all-here/",
        {"verify"},
        orcid="https://orcid.org/0000-0003-1234-5674",
        institution="University of Zurich",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "needs-info"
    assert codes(plan) == ["unknown-page"]


def test_listed_papers_are_taken_from_the_page_they_are_on(full_index):
    # The person names the unverified page of their other spelling; the paper they
    # list is on that page, not on the one named. Where the paper is decides.
    issue = anthology_issue(
        ["jiayuan-he/unverified"],
        {"verify", "split"},
        "https://orcid.org/0000-0002-8994-9532",
        "The University of Melbourne",
        name="Jiayuan He",
        info="Mine: https://aclanthology.org/2024.naacl-long.127/ and "
        "https://aclanthology.org/2023.findings-emnlp.512/",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert moved(plan) == {
        "2024.naacl-long.127": "jiayuan-he",
        "2023.findings-emnlp.512": "jiayuan-he",
    }
    froms = {m["paper"]: m["from"] for m in plan["moves"]}
    assert froms["2023.findings-emnlp.512"] == "estrid-he/unverified"
    assert "estrid-he/unverified" in text_of(plan, "notes")


# ------------------------------------------------------------ smaller readings


def test_family_name_first_without_comma_is_checked_against_the_papers(full_index):
    issue = anthology_issue(
        ["jiajun-shen/unverified"],
        {"verify"},
        "https://orcid.org/0000-0003-1234-5674",
        "Zhejiang University",
        name="Shen Jiajun",
        info="Mine:\nhttps://aclanthology.org/D19-5213/\nhttps://aclanthology.org/2021.eacl-main.130/",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert plan["target"]["names"][0] == {"first": "Jiajun", "last": "Shen"}
    assert plan["target"]["id"] == "jiajun-shen"
    assert "family name Shen" in text_of(plan, "notes")


@pytest.mark.parametrize("word", ["Jay", "Shen"])
def test_a_one_word_preferred_name_is_no_name_to_show(full_index, word):
    """A nickname or the family name alone, where the papers print a whole name: a
    page verified keeps the papers' name (and its ID); a name change asks."""
    mine = "Mine:\nhttps://aclanthology.org/D19-5213/\nhttps://aclanthology.org/2021.eacl-main.130/"
    verify = anthology_issue(
        ["jiajun-shen/unverified"],
        {"verify"},
        "https://orcid.org/0000-0003-1234-5674",
        "Zhejiang University",
        name=word,
        info=mine,
    )
    plan = plan_json(full_index, verify)
    assert plan["status"] == "ready", plan["problems"]
    assert plan["target"]["names"][0] == {"first": "Jiajun", "last": "Shen"}
    assert plan["target"]["id"] == "jiajun-shen"
    assert f"\u201c{word}\u201d is one word" in text_of(plan, "notes")
    change = anthology_issue(
        ["jiajun-shen/unverified"],
        {"name-change"},
        "https://orcid.org/0000-0003-1234-5674",
        "Zhejiang University",
        name=word,
        info=mine,
    )
    plan = plan_json(full_index, change)
    assert plan["status"] == "needs-info"
    assert "name-unclear" in codes(plan)


def test_a_common_name_page_verified_whole_is_asked_about(full_index):
    # chen-wang/unverified: five papers in three co-author groups, and two verified
    # Chen Wangs already: the maintainers ask which papers are the person's.
    issue = anthology_issue(
        ["chen-wang/unverified"],
        {"verify"},
        "https://orcid.org/0000-0003-1234-5674",
        "Institute of Automation, CAS",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "needs-info"
    assert codes(plan) == ["list-your-papers"]
    message = text_of(plan, "problems")
    assert "5 papers" in message and "list the ones that are yours" in message


def test_a_rare_name_page_of_many_groups_is_verified_whole(full_index):
    # tobias-kuhn/unverified: five papers with no co-author in common, but a rare
    # family name and no verified namesake: one person, as the maintainers read it.
    issue = anthology_issue(
        ["tobias-kuhn/unverified"],
        {"verify"},
        "https://orcid.org/0000-0003-1234-5674",
        "University of Zurich",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert len(plan["moves"]) == 5


def test_a_paper_given_by_title_and_venue_is_looked_up(full_index):
    issue = anthology_issue(
        ["chen-wang/unverified", "chen-wang"],
        {"merge"},
        f"https://orcid.org/{CHEN_WANG_ORCID}",
        "CASIA",
        info="The missing paper of mine is:\n"
        "1. Discrete Cross-Modal Alignment Enables Zero-Shot Speech Translation. (EMNLP 2022)",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert moved(plan) == {"2022.emnlp-main.354": "chen-wang"}
    assert "2022.emnlp-main.354" in text_of(plan, "notes")


def test_a_namesake_by_family_name_only_is_not_taken_without_a_shared_coauthor(full_index):
    # The only Kuhn on 2009.mtsummit-papers.2 is Roland Kuhn, who shares no co-author
    # with the Tobias Kuhn papers: the bot asks instead of moving him.
    issue = anthology_issue(
        ["tobias-kuhn/unverified"],
        {"verify", "split"},
        "https://orcid.org/0000-0003-1234-5674",
        "University of Zurich",
        info="Mine: https://aclanthology.org/J14-1005/ and "
        "https://aclanthology.org/2009.mtsummit-papers.2/",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "needs-info"
    assert codes(plan) == ["person-not-on-paper"]
    assert "Roland Kuhn" in text_of(plan, "problems")


def test_a_paper_on_ones_own_verified_page_said_not_mine_leaves_it(full_index):
    # A free-text issue: chen-wang (this ORCID iD) holds 2025.findings-acl.660 with
    # an explicit id; without it the paper goes back to chen-wang/unverified (two
    # verified Chen Wangs share the name, so neither takes it by name).
    issue = {
        "number": 5,
        "title": "A wrong paper on my page",
        "body": "Hi, https://aclanthology.org/2025.findings-acl.660/ on my page "
        "https://aclanthology.org/people/chen-wang/ is not mine. My ORCID is "
        f"{CHEN_WANG_ORCID}.",
        "labels": [],
        "user": {"login": "x"},
    }
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert [(m["paper"], m["from"], m["to"]) for m in plan["moves"]] == [
        ("2025.findings-acl.660", "chen-wang", "chen-wang/unverified")
    ]
    assert "so it leaves chen-wang for chen-wang/unverified" in text_of(plan, "notes")


def test_keep_in_a_merge_with_listed_papers_names_the_new_person(full_index):
    issue = anthology_issue(
        ["estrid-he/unverified", "jiayuan-he/unverified"],
        {"merge"},
        "https://orcid.org/0000-0003-1234-5674",
        "The University of Melbourne",
        info="Mine: 2024.naacl-long.127 and 2023.findings-emnlp.512. "
        "Please keep the first page's ID.",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert plan["target"]["id"] == "estrid-he"
    assert set(moved(plan)) == {"2024.naacl-long.127", "2023.findings-emnlp.512"}


def test_keeping_a_page_the_orcid_does_not_give_is_asked(full_index):
    # chen-wang-4954 is another verified Chen Wang; the ORCID iD is chen-wang's.
    issue = anthology_issue(
        ["chen-wang", "chen-wang-4954"],
        {"merge"},
        f"https://orcid.org/{CHEN_WANG_ORCID}",
        info="Both are me. Please keep chen-wang-4954.",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "needs-info"
    assert codes(plan) == ["keep-conflict"]


def test_a_verified_page_with_another_orcid_is_not_merged_away(full_index):
    issue = anthology_issue(
        ["chen-wang", "chen-wang-4954"],
        {"merge"},
        f"https://orcid.org/{CHEN_WANG_ORCID}",
        info="Both pages are me.",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "needs-info"
    assert codes(plan) == ["merge-other-orcid"]
    assert "0000-0003-1963-4954" in text_of(plan, "problems")


# ---------------------------------------------------- pages the words set aside


LUCIA_ORCID = "https://orcid.org/0000-0003-4934-5344"  # lucia-passaro, verified


def lucia_merge(extra_line: str) -> dict:
    """A merge of lucia-c-passaro/unverified into lucia-passaro whose Author Pages
    field has one more line."""
    issue = anthology_issue(
        ["lucia-c-passaro/unverified", "lucia-passaro"],
        {"merge"},
        LUCIA_ORCID,
        "University of Pisa",
        info="Both pages are me.",
    )
    field_end = "https://aclanthology.org/people/lucia-passaro/"
    return {**issue, "body": issue["body"].replace(field_end, f"{field_end}\n{extra_line}", 1)}


def test_a_page_the_words_set_aside_is_left_out_of_a_merge(full_index):
    # A third page named in a sentence saying it is handled otherwise: its papers stay.
    issue = lucia_merge(
        "Edit: https://aclanthology.org/people/tobias-kuhn/ is not part of this, it will "
        "be fixed in a separate metadata issue."
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert {m["from"] for m in plan["moves"]} == {"lucia-c-passaro/unverified"}
    assert set(moved(plan).values()) == {"lucia-passaro"}
    assert "I left the page tobias-kuhn out of this change" in text_of(plan, "notes")


def test_a_page_named_in_doubt_is_asked_about(full_index):
    issue = lucia_merge("Maybe also https://aclanthology.org/people/tobias-kuhn/ (not sure).")
    plan = plan_json(full_index, issue)
    assert plan["status"] == "needs-info"
    assert codes(plan) == ["page-unclear"]
    assert "tobias-kuhn" in text_of(plan, "problems")


def test_a_page_listed_and_set_aside_is_asked_about(full_index):
    issue = lucia_merge(
        "https://aclanthology.org/people/tobias-kuhn/\n"
        "Please ignore https://aclanthology.org/people/tobias-kuhn/ for now."
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "needs-info"
    assert codes(plan) == ["page-unclear"]


# --------------------------------------- a name the papers already print as asked


def test_a_name_the_papers_already_print_is_nothing_to_do_on_the_pages(full_index):
    # The page named does not exist; every paper printing "Tobias Kuhn" is on one
    # page: the maintainers answer that nothing is left to do there.
    issue = anthology_issue(["k/kuhn-tobias"], {"name-change"}, info="Kuhn Tobias -> Tobias Kuhn")
    plan = plan_json(full_index, issue)
    assert plan["status"] == "rejected"
    assert codes(plan) == ["name-already-shown"]
    said = text_of(plan, "problems")
    assert "tobias-kuhn/unverified" in said and "Fix data" in said
    assert not plan["moves"] and not plan["files"]


def test_a_name_request_that_asks_more_is_not_answered_as_already_shown(full_index):
    # With an ORCID iD the person asks for a verified page: the rule stays out.
    issue = anthology_issue(
        ["k/kuhn-tobias"],
        {"name-change"},
        "https://orcid.org/0000-0003-1234-5674",
        info="Kuhn Tobias -> Tobias Kuhn",
    )
    assert "name-already-shown" not in codes(plan_json(full_index, issue))
    # A name no paper prints is a real name change, not "already shown".
    issue = anthology_issue(
        ["tobias-kuhn/unverified"], {"name-change"}, info="Tobias Kuhn -> Tobias Kühn"
    )
    assert "name-already-shown" not in codes(plan_json(full_index, issue))


# ----------------------------- splits without a list, merges made, PDFs differing


TOBIAS_ORCID = "https://orcid.org/0000-0003-1234-5674"


def test_a_one_page_split_with_merge_ticked_too_asks_for_the_papers(full_index):
    # Verification, Split and Merge all ticked for one page and no paper named: the
    # person says the page mixes people, so it is not taken whole.
    issue = anthology_issue(
        ["tobias-kuhn/unverified"], {"verify", "split", "merge"}, TOBIAS_ORCID, "Zurich"
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "needs-info"
    assert codes(plan) == ["papers-missing"]


def test_a_split_naming_only_someone_elses_papers_takes_the_rest(full_index):
    issue = anthology_issue(
        ["tobias-kuhn/unverified"],
        {"split"},
        TOBIAS_ORCID,
        "University of Zurich",
        info="https://aclanthology.org/D07-1128/ was written by a different person who "
        "shares my name. The rest are mine.",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "ready", plan["problems"]
    assert set(moved(plan)) == {"2020.law-1.2", "2021.cnl-1", "J14-1005", "U08-1007"}
    assert "read-rest" in codes(plan, "notes")


def test_a_merge_made_already_is_nothing_left_to_merge(full_index):
    # abdessalam-bouchekif is verified with both spellings; the other pages named
    # do not exist.
    issue = anthology_issue(
        ["abdesselam-bouchekif", "abdessalam-bouchekif", "bouchekif-abdessalam"], {"merge"}
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "rejected"
    assert codes(plan) == ["merge-already-done"]
    assert "abdessalam-bouchekif" in text_of(plan, "problems")
    # With an ORCID iD the person has not got, a verification is left to do.
    issue = anthology_issue(
        ["abdesselam-bouchekif", "abdessalam-bouchekif", "bouchekif-abdessalam"],
        {"merge"},
        TOBIAS_ORCID,
        "X",
    )
    assert "merge-already-done" not in codes(plan_json(full_index, issue))


def test_a_name_that_differs_from_the_pdfs_is_a_metadata_fix(full_index):
    issue = anthology_issue(
        ["tobias-kuhn/unverified"],
        set(),
        info="My PDFs all say Tobias K. Kuhn, but the page shows Tobias Kuhn.",
    )
    plan = plan_json(full_index, issue)
    assert plan["status"] == "rejected"
    assert codes(plan) == ["metadata-correction"]
    said = text_of(plan, "problems")
    assert "Fix data" in said and "https://aclanthology.org/2020.law-1.2/" in said
    # Asked with an ORCID iD and Split ticked, it is an author-page request.
    issue = anthology_issue(
        ["tobias-kuhn/unverified"],
        {"split"},
        TOBIAS_ORCID,
        "Zurich",
        info="My PDFs all say Tobias K. Kuhn, but the page shows Tobias Kuhn. Mine: "
        "https://aclanthology.org/J14-1005/",
    )
    assert "metadata-correction" not in codes(plan_json(full_index, issue))


def test_a_merge_made_already_named_by_a_spelling_only(full_index):
    # One page named, which does not exist: its slug is a name of a verified person
    # who has both spellings.
    issue = anthology_issue(["a/abdesselam-bouchekif"], {"merge"})
    plan = plan_json(full_index, issue)
    assert plan["status"] == "rejected"
    assert codes(plan) == ["merge-already-done"]


def test_a_verification_of_two_pages_asking_to_combine_them_is_a_merge(full_index):
    pages = ["tobias-kuhn/unverified", "lucia-c-passaro/unverified"]
    said = (
        "Please combine the two pages and keep https://aclanthology.org/people/tobias-kuhn/ "
        "as the page."
    )
    issue = anthology_issue(pages, {"verify"}, TOBIAS_ORCID, "Zurich", info=said)
    plan = plan_json(full_index, issue)
    assert "verify-which-page" not in codes(plan)
    assert "read-merge" in codes(plan, "notes")
    # Without the page to keep, which page is meant is asked, as before.
    issue = anthology_issue(
        pages, {"verify"}, TOBIAS_ORCID, "Zurich", info="Please combine the two pages."
    )
    assert codes(plan_json(full_index, issue)) == ["verify-which-page"]
