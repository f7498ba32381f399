"""Feeds and the feed entries already seen (issue #8).

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("trusted", sa.Boolean(), nullable=False),
        sa.Column("include_keywords", sa.JSON(), nullable=False),
        sa.Column("exclude_keywords", sa.JSON(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("next_poll_at", _when(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_polled_at", _when(), nullable=True),
        sa.Column("last_result", sa.Text(), nullable=True),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", _when(), nullable=False),
        sa.UniqueConstraint("canonical_url", name="uq_feeds_canonical_url"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_feeds_status_next_poll_at", "feeds", ["status", "next_poll_at"])

    op.create_table(
        "feed_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("feed_id", sa.Integer(), sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
        sa.Column("guid", sa.Text(), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("seen_at", _when(), nullable=False),
        sa.UniqueConstraint("feed_id", "guid", name="uq_feed_items_feed_id_guid"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_feed_items_feed_id_link", "feed_items", ["feed_id", "link"])
    op.create_index("ix_feed_items_feed_id_content_hash", "feed_items", ["feed_id", "content_hash"])


def downgrade() -> None:
    op.drop_index("ix_feed_items_feed_id_content_hash", table_name="feed_items")
    op.drop_index("ix_feed_items_feed_id_link", table_name="feed_items")
    op.drop_table("feed_items")
    op.drop_index("ix_feeds_status_next_poll_at", table_name="feeds")
    op.drop_table("feeds")
