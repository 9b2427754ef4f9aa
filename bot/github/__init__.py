"""Adapters to the outside world: GitHub's REST API, the git clone, ORCID's public API."""
