"""Rules of the applicant page: the audited NIK reveal."""

from __future__ import annotations

from krs import audit
from krs.extensions import db
from krs.models import Applicant, User


def reveal_nik(actor: User, applicant: Applicant) -> str:
    """The applicant's full NIK for a role that may see it; every reveal is written to the audit log
    (the same action as the case page's reveal)."""
    audit.record(actor, "applicant.reveal_nik", "applicant", applicant.id, None, {"page": "applicant"})
    db.session.commit()
    return applicant.nik or ""
