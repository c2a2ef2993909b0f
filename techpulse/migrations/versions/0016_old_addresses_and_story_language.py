"""what WordPress built old addresses from (wordpress_posts), and each story's language

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 16:50:00

Existing stories get their language from their text now (Devanagari → "hi"), as a save would.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('wordpress_posts',
    sa.Column('post_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('post_name', sa.String(length=200), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('post_id', name=op.f('pk_wordpress_posts'))
    )
    with op.batch_alter_table('wordpress_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wordpress_posts_post_name'), ['post_name'], unique=False)

    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=8), server_default='', nullable=False))

    _detect_languages()


def _detect_languages():
    from techpulse.markup.language import detect_language
    from techpulse.markup.markdown import html_to_text

    connection = op.get_bind()
    articles = sa.table('articles', sa.column('id'), sa.column('title'), sa.column('body_html'), sa.column('language'))
    rows = connection.execute(sa.select(articles.c.id, articles.c.title, articles.c.body_html)).all()
    for article_id, title, body_html in rows:
        language = detect_language(title or '', html_to_text(body_html or ''))
        if language:
            connection.execute(articles.update().where(articles.c.id == article_id).values(language=language))


def downgrade():
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_column('language')

    with op.batch_alter_table('wordpress_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wordpress_posts_post_name'))

    op.drop_table('wordpress_posts')
