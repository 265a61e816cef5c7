"""The features' receivers are connected once per process, whatever the number of apps."""

from config import TestConfig
from krs import create_app, signals
from krs.notifications import receivers as notification_receivers
from krs.worklog import receivers as worklog_receivers


def test_each_signal_has_its_receivers_once(app):
    class Again(TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        UPLOAD_DIR = app.config["UPLOAD_DIR"]

    create_app(Again)  # a second app in the same process connects nothing twice
    expected = {
        signals.case_viewed: [notification_receivers.on_case_viewed],
        signals.case_assigned: [notification_receivers.on_assigned],
        signals.cases_bulk_assigned: [notification_receivers.on_bulk_assigned],
        signals.closure_requested: [notification_receivers.on_closure_requested],
        signals.closure_returned: [notification_receivers.on_closure_returned],
        signals.transfer_requested: [notification_receivers.on_transfer_requested],
        signals.transfer_decided: [notification_receivers.on_transfer_decided],
        signals.follow_up_recorded: [worklog_receivers.entry_from_follow_up],
        signals.outreach_session_saved: [worklog_receivers.entries_from_outreach_session],
    }
    for signal, receivers in expected.items():
        assert list(signal.receivers_for(object())) == receivers, signal.name
