import pytest

from stiglint.nginx.values import format_seconds, parse_size, parse_time


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("60", 60),
        ("60s", 60),
        ("500ms", 0.5),
        ("1m", 60),
        ("1h", 3600),
        ("1d", 86400),
        ("1w", 7 * 86400),
        ("1M", 30 * 86400),
        ("1y", 365 * 86400),
        ("1h 30m", 5400),
        ("1h30m", 5400),
        ("2d 3h 4m 5s", 2 * 86400 + 3 * 3600 + 4 * 60 + 5),
        ("1m 30", 90),
        ("0", 0),
    ],
)
def test_parse_time_valid(text, seconds):
    assert parse_time(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "abc", "1.5s", "10 s", "30m 1h", "1h 1h", "5x", "-1s", "1s 30"])
def test_parse_time_rejects_what_nginx_rejects(text):
    assert parse_time(text) is None


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("0", 0),
        ("1024", 1024),
        ("1k", 1024),
        ("1K", 1024),
        ("1m", 1024**2),
        ("100M", 100 * 1024**2),
        ("1g", 1024**3),
        ("2G", 2 * 1024**3),
    ],
)
def test_parse_size_valid(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "1.5m", "10KB", "100MiB", "1t", "m", "-1"])
def test_parse_size_rejects_what_nginx_rejects(text):
    assert parse_size(text) is None


def test_format_seconds():
    assert format_seconds(3600) == "3600s"
    assert format_seconds(0.5) == "500ms"
    assert format_seconds(60) == "60s"
