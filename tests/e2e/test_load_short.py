"""A short run of benchmarks/load_bench.py: ~100 signed deliveries at concurrency 8 to
gunicorn (and to granian), one worker process, the GitHub stand-in behind them; every
acknowledged delivery stored and worked once, one status comment per issue, no duplicate pull
request, each issue's final state and every bot branch equal to the engine's edit.
Per-issue mode runs on the people.yaml sample, batch mode on the people.json one."""

from __future__ import annotations

from benchmarks.load_bench import run_load


def test_a_short_load_is_worked_exactly_once(tmp_path):
    figures = run_load(tmp_path, deliveries=100, concurrency=8, issues=8, drain_timeout=120)
    assert figures["violations"] == []
    inbox = figures["inbox"]
    assert inbox["stored"] == inbox["done"] == inbox["done lines"]
    assert inbox["re-run"] == 0
    assert figures["duplicate status comments"] == figures["duplicate PRs"] == 0
    assert figures["pull requests"] == figures["approved issues"] > 0
    client, server, worker, _ = figures[
        "CPU ms per delivery while sending: client / server / worker / stand-ins"
    ]
    assert client > 0 and server > 0 and worker >= 0


def test_a_short_load_on_granian_is_worked_exactly_once(tmp_path):
    # The other web server (docs/BOT.md, Deploy): every acknowledged delivery stored
    # before its answer and worked once, as under gunicorn; sent by the load client's
    # one-thread engine, which must get an answer for every delivery.
    figures = run_load(
        tmp_path,
        deliveries=100,
        concurrency=8,
        issues=8,
        drain_timeout=120,
        server="granian",
        client_engine="events",
    )
    assert figures["violations"] == []
    assert figures["deliveries sent"] == 100
    assert figures["answers"].keys() <= {200, 202, 204}
    inbox = figures["inbox"]
    assert inbox["stored"] == inbox["done"] == inbox["done lines"]
    assert figures["setup: inbox, web server processes x threads, worker processes x runners"][
        1
    ].startswith("granian")


def test_a_short_load_in_batch_mode_makes_one_consistent_batch(tmp_path):
    figures = run_load(
        tmp_path,
        deliveries=100,
        concurrency=8,
        issues=8,
        drain_timeout=180,
        batch=True,
        era="json",
    )
    assert figures["data"] == "the sample, json era"
    assert figures["violations"] == []
    inbox = figures["inbox"]
    assert inbox["stored"] == inbox["done"] == inbox["done lines"]
    assert figures["duplicate status comments"] == figures["duplicate PRs"] == 0
    assert figures["pull requests"] == 1
    assert figures["commits in the batch pull request"] == figures["approved issues"] > 0
