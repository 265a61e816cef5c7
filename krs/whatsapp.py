"""WhatsApp hand-off links (wa.me with a prefilled message): pure text, no external API called.

A lower layer so that any feature can hand text over to WhatsApp without importing another one
(the case page's message to the applicant, the supervisor's daily reminders to the desk).
"""

from __future__ import annotations

from urllib.parse import quote


def international_number(phone: str | None) -> str | None:
    """08123… / +628123… / 628123… → 628123…; None when it is not an Indonesian mobile number."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not digits.startswith("628") or not 10 <= len(digits) <= 15:
        return None
    return digits


def wa_link(text: str, phone: str | None = None) -> str:
    """A wa.me link carrying `text`; without a (valid) number WhatsApp asks whom to send it to."""
    number = international_number(phone)
    return f"https://wa.me/{number or ''}?text={quote(text)}"
