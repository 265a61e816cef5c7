"""Numbers and phones typed the Indonesian way (issue 14, DESIGN.md §6)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from krs.fields import (
    IndonesianDecimalField,
    IndonesianIntegerField,
    PhoneField,
    format_phone,
    normalise_phone,
    parse_indonesian_number,
)


class _Form(FlaskForm):
    class Meta:
        csrf = False

    area = IndonesianDecimalField(places=1)
    income = IndonesianIntegerField()
    phone = PhoneField()


@pytest.mark.parametrize(
    ("typed", "value"),
    [("36,5", Decimal("36.5")), ("2.500.000", 2500000), ("Rp 2.500.000", 2500000), ("36.5", Decimal("36.5")),
     ("1.234,5", Decimal("1234.5")), ("12", 12)],
)  # fmt: skip
def test_indonesian_numbers_are_read_as_written(typed, value):
    assert parse_indonesian_number(typed) == value


@pytest.mark.parametrize("typed", ["3.6.5", "abc", "2,500,000", "1" * 20])
def test_unreadable_numbers_are_refused(typed):
    with pytest.raises(ValueError):
        parse_indonesian_number(typed)


def test_fields_parse_and_show_back_the_indonesian_way(app):
    with app.test_request_context():
        form = _Form(formdata=MultiDict({"area": "36,5", "income": "2.500.000", "phone": "0812-3456-7890"}))
        assert form.validate(), form.errors
        assert form.area.data == Decimal("36.5") and form.income.data == 2500000
        assert form.phone.data == "081234567890"
        shown = _Form(
            formdata=None, data={"area": Decimal("36.5"), "income": 2500000, "phone": "081234567890"}
        )
        html = str(shown.area) + str(shown.income) + str(shown.phone)
        assert 'value="36,5"' in html and 'value="2.500.000"' in html and 'value="0812-3456-7890"' in html
        assert 'type="text"' in html and 'inputmode="decimal"' in html and 'inputmode="numeric"' in html
        assert 'type="number"' not in html


def test_income_with_a_comma_is_not_a_whole_number(app):
    with app.test_request_context():
        form = _Form(formdata=MultiDict({"income": "2.500.000,5"}))
        assert not form.validate() and form.income.errors


@pytest.mark.parametrize("typed", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "081234567890"])
def test_phones_typed_any_usual_way_are_stored_in_one_form(typed):
    assert normalise_phone(typed) == "081234567890"
    assert format_phone(normalise_phone(typed)) == "0812-3456-7890"


def test_a_phone_that_is_not_a_mobile_is_refused(app):
    with app.test_request_context():
        form = _Form(formdata=MultiDict({"phone": "12345"}))
        assert not form.validate() and form.phone.errors
