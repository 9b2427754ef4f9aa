"""Benchmarks: scripts that print their figures (`*_bench.py`, `webhook_ack.py`), and
what the load and fault runs share: the bot deployed as processes (`fleet.py`), the
traffic they send (`traffic.py`, `loadclient.py`) and the checks made after a run
(`audit.py`). None of it ships in the package."""
