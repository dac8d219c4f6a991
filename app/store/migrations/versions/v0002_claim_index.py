"""Job items by job, status and position: a claim finds a job's next queued item (and
any whose lease lapsed) with one index seek, however many of its items are done.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05 22:40:00
"""

from __future__ import annotations

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

NAME = "ix_job_items_job_id_status_position"


def upgrade() -> None:
    op.create_index(NAME, "job_items", ["job_id", "status", "position"])


def downgrade() -> None:
    op.drop_index(NAME, table_name="job_items")
