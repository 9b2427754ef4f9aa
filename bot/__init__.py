"""authorbot: fixes author pages of the ACL Anthology from GitHub issues."""

__version__ = "0.1.0"
