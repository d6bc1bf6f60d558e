"""stiglint: static linter for reverse proxies in front of STIG Manager."""

__version__ = "0.1.0"
