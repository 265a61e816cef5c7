"""Numbers in forms read as people write them (issue 15: a target of 85 showed as "85.00")."""

from decimal import Decimal

from werkzeug.datastructures import MultiDict
from wtforms import Form

from krs.fields import IndonesianDecimalField


class _TargetLike(Form):
    pct = IndonesianDecimalField(places=2)


def test_stored_decimals_show_without_trailing_zeros_the_indonesian_way():
    assert 'value="85"' in str(_TargetLike(data={"pct": Decimal("85.00")}).pct())
    assert 'value="82,5"' in str(_TargetLike(data={"pct": Decimal("82.50")}).pct())
    assert 'value="79,25"' in str(_TargetLike(data={"pct": Decimal("79.25")}).pct())
    assert 'value="800"' in str(_TargetLike(data={"pct": Decimal("8E+2")}).pct())


def test_what_was_typed_comes_back_as_typed():
    form = _TargetLike(MultiDict({"pct": "85,0"}))
    assert form.pct.data == Decimal("85.00") and 'value="85,0"' in str(form.pct())
