"""The audit trail's tables.

Rows are never updated or deleted: the runtime role may only insert and read them, and a trigger
stops even the owner. Each row is a link in one of several hash chains; `audit_chain` holds each
chain's head. Several chains let concurrent writers append without queueing behind each other.
"""

from __future__ import annotations

from piccolo.columns import JSONB, BigInt, BigSerial, ForeignKey, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.constraints import Unique
from piccolo.table import Table

from disclosure_service.identity.tables import Force, User


class AuditEvent(Table, tablename="audit_event"):
    id = BigSerial(primary_key=True)
    occurred_at = Timestamptz()
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=True, default=None)
    user = ForeignKey(User, on_delete=OnDelete.restrict, null=True, default=None)
    # Kept as written at the time, so the row reads the same after a rename.
    username = Varchar(length=64)
    # The s.62 operation (collection, alteration, consultation, disclosure, combination, erasure),
    # or authentication / administration for access-control events.
    operation = Varchar(length=16)
    event = Varchar(length=64)
    # Plain numbers, not foreign keys: a case erased at its retention review keeps its log.
    application_id = Integer(null=True, default=None)
    reference = Varchar(length=32)
    record_type = Varchar(length=32)
    record_id = BigInt(null=True, default=None)
    justification = Text()
    recipients = Text()
    details = JSONB(default="{}")
    ip = Varchar(length=64)
    user_agent = Varchar(length=256)
    request_id = Varchar(length=32)
    chain = Integer()
    seq = BigInt()
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)

    unique_chain_seq = Unique(["chain", "seq"])


# Piccolo declares single-column indexes only. These serve the questions auditors ask (a case's
# history, a user's activity, a force's day) newest first; the migration that creates them and
# the schema test both use this list.
EXTRA_INDEXES = (
    "CREATE INDEX audit_event_application_time ON audit_event (application_id, occurred_at DESC) "
    "WHERE application_id IS NOT NULL",
    'CREATE INDEX audit_event_user_time ON audit_event ("user", occurred_at DESC)',
    'CREATE INDEX audit_event_force_time ON audit_event ("force", occurred_at DESC)',
    'CREATE INDEX audit_event_force_event_time ON audit_event ("force", event, occurred_at DESC)',
)


# The trail grows by millions of rows a month, so the table is partitioned by month of occurred_at
# (decision 26): old months can be detached for the archive and a month verified on its own.
# Piccolo cannot declare a partitioned table, so these statements are what `audit_event` really is;
# the migration that partitions it and the schema test both use them. A partitioned table's keys
# must hold the partition column, hence (id, occurred_at) and (chain, seq, occurred_at): a chain
# position is kept unique by the chain protocol (audit_chain_advance) and checked by `audit verify`.
PARTITIONED_DDL = (
    'CREATE TABLE "audit_event" ("id" BIGINT NOT NULL DEFAULT nextval(\'audit_event_id_seq\'::regclass), '
    '"occurred_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, '
    '"force" INTEGER REFERENCES "force" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
    '"user" INTEGER REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, '
    "\"username\" VARCHAR(64) NOT NULL DEFAULT '', \"operation\" VARCHAR(16) NOT NULL DEFAULT '', "
    '"event" VARCHAR(64) NOT NULL DEFAULT \'\', "application_id" INTEGER DEFAULT null, '
    "\"reference\" VARCHAR(32) NOT NULL DEFAULT '', \"record_type\" VARCHAR(32) NOT NULL DEFAULT '', "
    '"record_id" BIGINT DEFAULT null, "justification" TEXT NOT NULL DEFAULT \'\', '
    "\"recipients\" TEXT NOT NULL DEFAULT '', \"details\" JSONB NOT NULL DEFAULT '{}', "
    "\"ip\" VARCHAR(64) NOT NULL DEFAULT '', \"user_agent\" VARCHAR(256) NOT NULL DEFAULT '', "
    '"request_id" VARCHAR(32) NOT NULL DEFAULT \'\', "chain" INTEGER NOT NULL DEFAULT 0, '
    '"seq" BIGINT NOT NULL DEFAULT 0, "prev_hash" VARCHAR(64) NOT NULL DEFAULT \'\', '
    '"hash" VARCHAR(64) NOT NULL DEFAULT \'\', PRIMARY KEY ("id", "occurred_at"), '
    'CONSTRAINT unique_chain_seq UNIQUE ("chain", "seq", "occurred_at")) PARTITION BY RANGE ("occurred_at")',
)


class AuditArchive(Table, tablename="audit_archive"):
    """A month detached from the trail (`audit detach`), sealed as it was when it left.

    `links` holds, per chain, the rows whose neighbour in the chain is outside the month: where the
    month joins the rest of the chain. With them a verification can carry each chain across the gap
    the month leaves, and a verification of the month itself can check it still fits.
    """

    id = Serial(primary_key=True)
    name = Varchar(length=63, unique=True)
    starts_at = Timestamptz()
    ends_at = Timestamptz()
    rows = BigInt()
    links = JSONB(default="{}")
    detached_at = Timestamptz()


class AuditChain(Table, tablename="audit_chain"):
    """The head of each hash chain: its last sequence number and hash."""

    id = Integer(primary_key=True)
    seq = BigInt(default=0)
    head_hash = Varchar(length=64)
    updated_at = Timestamptz()
