"""The parse helpers of krs/pagination.py: numbers typed in a URL or a form never raise."""

from __future__ import annotations

import pytest

from krs.pagination import id_or_none, page_number


@pytest.mark.parametrize(
    ("raw", "last", "want"),
    [("3", 100_000, 3), ("0", 100_000, 1), ("-4", 100_000, 1), ("x", 100_000, 1), (None, 100_000, 1),
     ("²", 100_000, 1), ("999999999", 10_000, 10_000), (7, 100_000, 7)],
)  # fmt: skip
def test_page_number_is_between_one_and_the_last(raw, last, want):
    assert page_number(raw, last=last) == want


@pytest.mark.parametrize(
    ("raw", "want"),
    [("42", 42), ("0", 0), ("", None), (None, None), ("²", None), ("٣", None), ("-1", None),
     ("1234567890", None), (" 5", None)],
)  # fmt: skip
def test_id_or_none_takes_ascii_digits_that_fit_a_database_integer(raw, want):
    assert id_or_none(raw) == want
