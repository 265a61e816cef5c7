"""Every table of KRS, one module per area (DESIGN.md §2: the lowest layer but extensions).

Feature packages keep no models; they import from here. Timestamps are stored in UTC.
"""

from krs.models.audit import AuditLog
from krs.models.auth import LoginThrottle, UserSession, end_sessions_of
from krs.models.base import LabelledEnum, utcnow
from krs.models.calendar import WorkCalendarYear
from krs.models.cases import (
    OPEN_STATUSES,
    Attachment,
    AttachmentKind,
    Case,
    CaseCounter,
    CaseService,
    CaseStatus,
    Channel,
    Condition,
    Event,
    EventKind,
    LandStatus,
    Outcome,
    Priority,
    SavedFilter,
    ServiceType,
)
from krs.models.designs import Design, DesignFile, DesignFileKind, DesignHandout, Structure
from krs.models.drafts import FormDraft
from krs.models.imports import ImportBatch, ImportedCase, ImportStatus
from krs.models.jobs import ExportJob, JobStatus
from krs.models.notifications import DigestSent, Notification, NotificationKind
from krs.models.outreach import (
    GroupKind,
    GroupMember,
    OutreachAttendee,
    OutreachPhoto,
    OutreachSession,
    OutreachSessionCase,
    session_staff,
)
from krs.models.people import Applicant, ApplicantKind, ApplicantMerge, Gender, Role, Unit, UnitKind, User
from krs.models.rab import (
    AidCeiling,
    PriceItem,
    PriceList,
    Rab,
    RabLine,
    RabStatus,
    RabTemplateLine,
    ResourceKind,
    WorkItem,
    WorkItemCoefficient,
)
from krs.models.reference import ReferenceItem, ReferenceList
from krs.models.referrals import (
    OPEN_ANSWERS,
    Agency,
    AgencyKind,
    Referral,
    ReferralAnswer,
    ReferralCounter,
    StatusLink,
)
from krs.models.reports import ServiceLevel, StatDay, StatMonth, UnitTarget
from krs.models.surveys import AgeBand, Education, Occupation, Survey
from krs.models.transfers import CaseTransfer, TransferStatus
from krs.models.worklog import Placement, WeekStatus, WorkCategory, WorkLogEntry, WorkWeek, worklog_entry_case

__all__ = [
    "AidCeiling",
    "ImportBatch",
    "ImportedCase",
    "ImportStatus",
    "DesignHandout",
    "PriceItem",
    "PriceList",
    "Rab",
    "RabLine",
    "RabStatus",
    "RabTemplateLine",
    "ResourceKind",
    "WorkItem",
    "WorkItemCoefficient",
    "Design",
    "DesignFile",
    "DesignFileKind",
    "Structure",
    "OPEN_ANSWERS",
    "Agency",
    "AgencyKind",
    "Referral",
    "ReferralAnswer",
    "ReferralCounter",
    "StatusLink",
    "FormDraft",
    "OPEN_STATUSES",
    "AgeBand",
    "Applicant",
    "ApplicantKind",
    "ApplicantMerge",
    "Attachment",
    "AttachmentKind",
    "AuditLog",
    "Case",
    "CaseCounter",
    "CaseService",
    "CaseStatus",
    "CaseTransfer",
    "Channel",
    "Condition",
    "DigestSent",
    "Education",
    "Event",
    "EventKind",
    "ExportJob",
    "Gender",
    "GroupKind",
    "GroupMember",
    "JobStatus",
    "LabelledEnum",
    "LandStatus",
    "LoginThrottle",
    "Notification",
    "Occupation",
    "NotificationKind",
    "Outcome",
    "OutreachAttendee",
    "OutreachPhoto",
    "OutreachSession",
    "OutreachSessionCase",
    "Placement",
    "Priority",
    "ReferenceItem",
    "ReferenceList",
    "Role",
    "SavedFilter",
    "ServiceLevel",
    "ServiceType",
    "StatDay",
    "StatMonth",
    "Survey",
    "TransferStatus",
    "Unit",
    "UnitKind",
    "UnitTarget",
    "User",
    "UserSession",
    "WeekStatus",
    "WorkCalendarYear",
    "WorkCategory",
    "WorkLogEntry",
    "WorkWeek",
    "end_sessions_of",
    "session_staff",
    "utcnow",
    "worklog_entry_case",
]
