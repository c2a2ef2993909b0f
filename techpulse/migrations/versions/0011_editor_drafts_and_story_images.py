"""editor autosaves and the library images a story's body uses

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 03:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "article_images",
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("image_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_article_images_article_id_articles"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["image_id"], ["images.id"], name=op.f("fk_article_images_image_id_images"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("article_id", "image_id", name=op.f("pk_article_images")),
    )
    with op.batch_alter_table("article_images", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_images_image_id"), ["image_id"], unique=False)
    op.create_table(
        "editor_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("article_id", sa.Integer(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], name=op.f("fk_editor_drafts_article_id_articles"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_editor_drafts_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_editor_drafts")),
        sa.UniqueConstraint("key", name=op.f("uq_editor_drafts_key")),
    )
    with op.batch_alter_table("editor_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_editor_drafts_article_id"), ["article_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_editor_drafts_saved_at"), ["saved_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_editor_drafts_user_id"), ["user_id"], unique=False)


def downgrade():
    op.drop_table("editor_drafts")
    op.drop_table("article_images")
