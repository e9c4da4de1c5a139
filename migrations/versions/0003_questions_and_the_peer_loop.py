"""Questions (ASK), and the peer loop: routes, answers, introductions, visits,
replication reports, scheduled jobs; members' other languages and story subscription.

Revision ID: 0003
Revises: 0002
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('introduction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_a', sa.Integer(), nullable=False),
    sa.Column('member_b', sa.Integer(), nullable=False),
    sa.Column('topic', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('a_accepted', sa.Boolean(), nullable=True),
    sa.Column('b_accepted', sa.Boolean(), nullable=True),
    sa.Column('a_shares_contact', sa.Boolean(), nullable=False),
    sa.Column('b_shares_contact', sa.Boolean(), nullable=False),
    sa.Column('relay_code', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_a'], ['member.id'], ),
    sa.ForeignKeyConstraint(['member_b'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('introduction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introduction_member_a'), ['member_a'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_member_b'), ['member_b'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_relay_code'), ['relay_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_status'), ['status'], unique=False)

    op.create_table('job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_job_status'), ['status'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=True),
    sa.Column('needs_translation', sa.Boolean(), nullable=False),
    sa.Column('escalated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('practice_slug', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('answer_kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('answer_text', sa.Text(), nullable=True),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('helpful', sa.Boolean(), nullable=True),
    sa.Column('rated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_status'), ['status'], unique=False)

    op.create_table('replicationreport',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('replicationreport', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_replicationreport_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_replicationreport_practice_id'), ['practice_id'], unique=False)

    op.create_table('visitinterest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visitinterest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visitinterest_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visitinterest_practice_id'), ['practice_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_for_asker', sa.Text(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=True),
    sa.Column('faq_candidate', sa.Boolean(), nullable=False),
    sa.Column('promoted_faq_id', sa.Integer(), nullable=True),
    sa.Column('attribution', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('relayed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_status'), ['status'], unique=False)

    op.create_table('questionroute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], ),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('questionroute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionroute_code'), ['code'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionroute_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionroute_question_id'), ['question_id'], unique=False)

    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.JSON(), nullable=False))
        batch_op.add_column(sa.Column('story_subscribed', sa.Boolean(), nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('story_subscribed')
        batch_op.drop_column('languages')

    with op.batch_alter_table('questionroute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionroute_question_id'))
        batch_op.drop_index(batch_op.f('ix_questionroute_member_id'))
        batch_op.drop_index(batch_op.f('ix_questionroute_code'))

    op.drop_table('questionroute')
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_status'))
        batch_op.drop_index(batch_op.f('ix_answer_question_id'))

    op.drop_table('answer')
    with op.batch_alter_table('visitinterest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visitinterest_practice_id'))
        batch_op.drop_index(batch_op.f('ix_visitinterest_member_id'))

    op.drop_table('visitinterest')
    with op.batch_alter_table('replicationreport', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_replicationreport_practice_id'))
        batch_op.drop_index(batch_op.f('ix_replicationreport_member_id'))

    op.drop_table('replicationreport')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_status'))
        batch_op.drop_index(batch_op.f('ix_question_member_id'))

    op.drop_table('question')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_status'))
        batch_op.drop_index(batch_op.f('ix_job_member_id'))
        batch_op.drop_index(batch_op.f('ix_job_kind'))
        batch_op.drop_index(batch_op.f('ix_job_due_at'))

    op.drop_table('job')
    with op.batch_alter_table('introduction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_introduction_status'))
        batch_op.drop_index(batch_op.f('ix_introduction_relay_code'))
        batch_op.drop_index(batch_op.f('ix_introduction_member_b'))
        batch_op.drop_index(batch_op.f('ix_introduction_member_a'))

    op.drop_table('introduction')
