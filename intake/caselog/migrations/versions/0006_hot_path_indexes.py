"""hot-path indexes: every query a pass makes finds its rows by an index, so a pass costs the same at 1,000 messages
and at 50,000 (issue 12: the loop guard scanned every notice)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# (table, index name, columns)
INDEXES = (
    ('messages', 'ix_messages_message_id', ['message_id']),  # the thread a reply belongs to
    ('messages', 'ix_messages_filed_in', ['filed_in']),  # messages not yet filed
    ('messages', 'ix_messages_source_uid', ['source_uid']),  # which Maildir keys are stored already
    ('notices', 'ix_notices_to_address', ['to_address']),  # the loop guard
    ('notices', 'ix_notices_archived_status', ['archived', 'status']),  # sent notices without a Sent copy
    ('cases', 'ix_cases_requester_email', ['requester_email']),  # possibly related, awaiting clarification
    ('cases', 'ix_cases_initial_received_at', ['initial_received_at']),  # related requests, floods, reports
    ('case_events', 'ix_case_events_recorded_at', ['recorded_at']),  # cases changed since the last filing
    ('case_events', 'ix_case_events_type_at', ['type', 'at']),  # the digest's bounces, suppressions, related
)


def upgrade() -> None:
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, name, _columns in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
