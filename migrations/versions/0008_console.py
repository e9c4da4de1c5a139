"""The moderator console: accounts of partner organisations with server-side sessions,
personal API tokens and login throttling; practice versions and reviewers; interface
texts reviewed in the console; blocking and erasing members; answers written, rejected
or asked about in the console; questions a moderator closed.

Moderators recorded by `peerlearn moderators add` before this revision (a member with a
`console` identity holding the e-mail) become console accounts without a password: each
needs a set-up link (`peerlearn moderators add EMAIL ...` again prints one).

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The member search finds part of a name or an enterprise ("sokha", "ស្រូវ") among
# 100,000 members without reading them all (services/members_admin/search.py).
# SQLite: an external-content FTS5 table with the trigram tokenizer (substrings of three
# characters or more, any case), kept in step by triggers on `member` like the search
# index of 0002. NB: batch_alter_table("member") on SQLite drops these triggers, as it
# drops member_offer's (content/models/offers.py): re-create them and 'rebuild'.
# PostgreSQL: pg_trgm GIN indexes (pg_trgm since 0002), which ILIKE '%...%' uses.
MEMBER_SEARCH_SQLITE = [
    """CREATE VIRTUAL TABLE member_fts USING fts5(name, enterprise, content='member',
       content_rowid='id', tokenize='trigram')""",
    """CREATE TRIGGER member_fts_insert AFTER INSERT ON member BEGIN
       INSERT INTO member_fts(rowid, name, enterprise)
       VALUES (new.id, new.name, new.enterprise); END""",
    """CREATE TRIGGER member_fts_delete AFTER DELETE ON member BEGIN
       INSERT INTO member_fts(member_fts, rowid, name, enterprise)
       VALUES ('delete', old.id, old.name, old.enterprise); END""",
    """CREATE TRIGGER member_fts_update AFTER UPDATE OF name, enterprise ON member BEGIN
       INSERT INTO member_fts(member_fts, rowid, name, enterprise)
       VALUES ('delete', old.id, old.name, old.enterprise);
       INSERT INTO member_fts(rowid, name, enterprise)
       VALUES (new.id, new.name, new.enterprise); END""",
    "INSERT INTO member_fts(member_fts) VALUES ('rebuild')",
]
MEMBER_SEARCH_SQLITE_DOWN = ["DROP TRIGGER IF EXISTS member_fts_update",
                             "DROP TRIGGER IF EXISTS member_fts_delete",
                             "DROP TRIGGER IF EXISTS member_fts_insert",
                             "DROP TABLE IF EXISTS member_fts"]
MEMBER_SEARCH_POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_member_name_trgm ON member USING gin (name gin_trgm_ops)",
    "CREATE INDEX ix_member_enterprise_trgm ON member USING gin (enterprise gin_trgm_ops)",
]
MEMBER_SEARCH_POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_member_enterprise_trgm",
                               "DROP INDEX IF EXISTS ix_member_name_trgm"]


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    op.create_table('catalog_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('reviewed', sa.Boolean(), nullable=False),
    sa.Column('reviewed_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('reviewed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('lang', 'key')
    )
    with op.batch_alter_table('catalog_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_text_updated_at'), ['updated_at'], unique=False)

    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_at'), ['at'], unique=False)
        batch_op.create_index('ix_login_failure_key', ['kind', 'key_hash', 'at'], unique=False)

    op.create_table('console_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('password_changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('setup_token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('setup_expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('disabled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    with op.batch_alter_table('console_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_account_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_console_account_setup_token_hash'), ['setup_token_hash'], unique=False)

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('prefix', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['console_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_account_id'), ['account_id'], unique=False)

    op.create_table('console_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('csrf_token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['console_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('console_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_session_account_id'), ['account_id'], unique=False)

    op.create_table('practice_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('practice_id', 'number')
    )
    with op.batch_alter_table('practice_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_practice_version_practice_id'), ['practice_id'], unique=False)

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('attribution_asked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('reject_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key('fk_answer_account', 'console_account', ['account_id'], ['id'])

    with op.batch_alter_table('auditlog', schema=None) as batch_op:
        batch_op.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_auditlog_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditlog_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index('ix_auditlog_at', ['at'], unique=False)

    # Plain ADD COLUMN: a batch copy of `member` on SQLite would drop its member_offer
    # triggers (content/models/offers.py).
    op.add_column('member', sa.Column('attribution', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
    op.add_column('member', sa.Column('blocked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    op.add_column('member', sa.Column('blocked_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
    op.add_column('member', sa.Column('erased_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    # Matching and routing leave blocked members out with NOT IN (blocked ids): this
    # index holds only a handful of non-null rows to read.
    op.create_index('ix_member_blocked_at', 'member', ['blocked_at'], unique=False)
    # A member's messages: the console's conversation history and a relay's messages
    # (by member and time), and notify.reachable_identity's "last written from".
    op.create_index('ix_inbound_member', 'inboundmessage', ['member_id', 'received_at'],
                    unique=False)
    # The console's member search: a phone number, and part of a name or an enterprise.
    op.create_index('ix_identity_address', 'identity', ['address'], unique=False)
    for statement in MEMBER_SEARCH_SQLITE if _sqlite() else MEMBER_SEARCH_POSTGRES:
        op.execute(statement)

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('languages', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))

    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_practice_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key('fk_practice_organisation', 'organisation', ['organisation_id'], ['id'])

    with op.batch_alter_table('practicetranslation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_by', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))

    # The topics routing used, for the console's queues.
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topics', sa.JSON(), nullable=False,
                                      server_default=sa.text("'[]'")))

    _member_drafts_to_their_organisation()
    _console_identities_to_accounts()


def _member_drafts_to_their_organisation() -> None:
    """A practice documented by a member is curated by the member's organisation."""
    op.execute("""
        UPDATE practice SET organisation_id = (
            SELECT m.organisation_id FROM member AS m WHERE m.id = practice.contributor_id)
        WHERE contributor_id IS NOT NULL""")


def _console_identities_to_accounts() -> None:
    """Moderators recorded before the console became accounts (no password yet)."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("""
        SELECT i.id, i.address, i.created_at, m.id, m.name, m.organisation_id
        FROM identity AS i JOIN member AS m ON m.id = i.member_id
        WHERE i.provider = 'console' AND i.channel = 'email'""")).all()
    for identity_id, email, created_at, member_id, name, organisation_id in rows:
        bind.execute(sa.text("""
            INSERT INTO console_account (email, name, organisation_id, role, languages,
                                         created_at)
            VALUES (:email, :name, :org, 'moderator', '[]', :at)"""),
            {"email": email.lower(), "name": name or email, "org": organisation_id,
             "at": created_at})
        bind.execute(sa.text("DELETE FROM identity WHERE id = :id"), {"id": identity_id})
        others = bind.execute(sa.text("SELECT count(*) FROM identity WHERE member_id = :m"),
                              {"m": member_id}).scalar_one()
        if not others:  # the member row existed only to hold the login
            bind.execute(sa.text("DELETE FROM member WHERE id = :m"), {"m": member_id})



def downgrade() -> None:
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('topics')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_column('closed_at')

    with op.batch_alter_table('practicetranslation', schema=None) as batch_op:
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by')

    with op.batch_alter_table('practice', schema=None) as batch_op:
        batch_op.drop_constraint('fk_practice_organisation', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_practice_organisation_id'))
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('languages')

    for statement in MEMBER_SEARCH_SQLITE_DOWN if _sqlite() else MEMBER_SEARCH_POSTGRES_DOWN:
        op.execute(statement)
    op.drop_index('ix_identity_address', table_name='identity')
    op.drop_index('ix_inbound_member', table_name='inboundmessage')
    op.drop_index('ix_member_blocked_at', table_name='member')
    for column in ('erased_at', 'blocked_reason', 'blocked_at', 'attribution'):
        op.drop_column('member', column)

    with op.batch_alter_table('auditlog', schema=None) as batch_op:
        batch_op.drop_index('ix_auditlog_at')
        batch_op.drop_index(batch_op.f('ix_auditlog_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_auditlog_account_id'))
        batch_op.drop_column('organisation_id')
        batch_op.drop_column('account_id')

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint('fk_answer_account', type_='foreignkey')
        batch_op.drop_column('reject_reason')
        batch_op.drop_column('attribution_asked_at')
        batch_op.drop_column('account_id')

    with op.batch_alter_table('practice_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_version_practice_id'))

    op.drop_table('practice_version')
    with op.batch_alter_table('console_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_session_account_id'))

    op.drop_table('console_session')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_account_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('console_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_account_setup_token_hash'))
        batch_op.drop_index(batch_op.f('ix_console_account_organisation_id'))

    op.drop_table('console_account')
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index('ix_login_failure_key')
        batch_op.drop_index(batch_op.f('ix_login_failure_at'))

    op.drop_table('login_failure')
    with op.batch_alter_table('catalog_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_text_updated_at'))

    op.drop_table('catalog_text')
