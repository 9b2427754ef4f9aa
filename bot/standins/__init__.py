"""Real stand-ins for the outside world, speaking HTTP on loopback: GitHub's REST API
(and its webhooks) and ORCID's public API. The tests and `authorbot demo` use them."""
