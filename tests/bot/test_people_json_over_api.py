"""people.json is over 1 MB (1.5 MB in the real archive): GitHub's contents API gives
no content for it, and the client reads it through the blob API, bytes intact."""

from __future__ import annotations

from bot.anthology.names import Name
from bot.anthology.people import PersonEntry
from bot.anthology.people_json import JsonPeopleFile, dump_file
from bot.github.client import GitHubAuth, GitHubRepo
from bot.standins.datarepo import make_data_repo
from tests.fakegithub import FakeGitHub


def test_a_people_json_over_a_megabyte_reads_back_exactly(tmp_path):
    entries = [
        PersonEntry(
            f"person-{n:05d}", (Name("Zoë Ærøskøbing 刘", f"Ünïcödé-{n}"),), degree="Télécom"
        )
        for n in range(9000)
    ]
    text = dump_file(entries)
    assert len(text.encode("utf-8")) > 1024 * 1024
    bare = make_data_repo(tmp_path, extra_files={"data/json/people.json": text})
    server = FakeGitHub("o/r", bare, tokens={"t": "authorbot[bot]"})
    server.start()
    try:
        gh, _ = GitHubAuth(
            api_url=server.base_url,
            token="t",
            timeout=5,
            seconds_between_requests=None,
            seconds_between_writes=None,
        ).connect(None)
        read = GitHubRepo(gh, "o/r").read_file("data/json/people.json")
        assert server.count_requests("GET", r"/repos/o/r/git/blobs/.*") == 1
    finally:
        server.stop()
    assert read == text
    assert JsonPeopleFile.parse(read).order == [e.id for e in entries]
