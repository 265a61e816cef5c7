"""Mail to the office's SMTP server through Flask-Mailman (MAIL_* settings in config.py).

The extension is set up when the notifications blueprint is registered (krs/notifications/routes.py),
so every app made by `create_app` has it, the CLI's too. Under TESTING Flask-Mailman keeps the
messages in memory (`locmem`) unless MAIL_BACKEND says otherwise; the digest tests point it at a
local aiosmtpd server.
"""

from __future__ import annotations

from flask import Flask
from flask_mailman import EmailMessage, Mail

mail = Mail()


def init_mail(app: Flask) -> None:
    """(Re)read the MAIL_* settings of `app`."""
    mail.init_app(app)


def connection():
    """One SMTP connection for a batch of messages: `with connection() as c: message(...).send()`."""
    return mail.get_connection()


def message(subject: str, body: str, to: str, conn=None) -> EmailMessage:
    """A plain-text message from MAIL_DEFAULT_SENDER (the subject loses any line break)."""
    subject = " ".join(subject.split())
    return EmailMessage(subject=subject, body=body, to=[to], connection=conn)
