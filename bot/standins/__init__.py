"""Real stand-ins for the outside world, speaking HTTP on loopback: GitHub's REST API
(and its webhooks) and ORCID's public API; a bare data repository of the sample data;
and the whole bot on loopback over them (`harness.py`). The tests and `authorbot demo`
use them; in the product only `bot/demo.py` imports them."""
