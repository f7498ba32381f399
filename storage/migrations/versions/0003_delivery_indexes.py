"""Indexes for the outbox's bounded queries (issue #5).

* ``(status, period_end)``: "already sent" (``sent_story_ids``) reads the SENT rows of the
  last week only;
* ``(status, next_attempt_at, due_at)``: the due rows, oldest first, both those waiting for a
  retry and those never tried (``next_attempt_at IS NULL``), without sorting every pending row;
* ``(due_at)`` and ``(sent_at)``: /stats counts and lists today's deliveries (sent today, or
  unsent and due today) without scanning the whole table.

Revision ID: 0003
Revises: 0002
Create Date: 2025-01-03
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXES = {
    "ix_deliveries_status_period_end": ["status", "period_end"],
    "ix_deliveries_status_next_attempt_at_due_at": ["status", "next_attempt_at", "due_at"],
    "ix_deliveries_due_at": ["due_at"],
    "ix_deliveries_sent_at": ["sent_at"],
}


def upgrade() -> None:
    for name, columns in _INDEXES.items():
        op.create_index(name, "deliveries", columns)


def downgrade() -> None:
    for name in reversed(list(_INDEXES)):
        op.drop_index(name, table_name="deliveries")
