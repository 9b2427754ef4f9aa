"""The GitHub stand-in the tests use. It lives in `bot/standins/` so that `authorbot demo`
(an installed package, without the tests) can run the same one."""

from bot.standins.github import FakeGitHub, Fault, SentDelivery
from bot.standins.orcid import FakeOrcid, FakeRecord

__all__ = ["FakeGitHub", "Fault", "SentDelivery", "FakeOrcid", "FakeRecord"]
