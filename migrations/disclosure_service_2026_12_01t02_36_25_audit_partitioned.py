"""Written by hand: the audit trail partitioned by month of occurred_at (decision 26).

The rows are moved into a new partitioned `audit_event` as they are, hashes and chains unchanged,
and everything the old table carried is made again on the new one: its id sequence, composite
indexes, row-level security, and the triggers that stop rows being changed or deleted. Partitions
are made by `audit_partitions_ensure`, which `migrate` also calls on every run to keep a year of
months ready ahead; a row dated outside them lands in `audit_event_default` rather than failing.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder


ID = "2026-12-01T02:36:25:000000"
VERSION = "1.38.0"
DESCRIPTION = "the audit trail partitioned by month"
FORCE_SETTING = "NULLIF(current_setting('app.force_id', true), '')::integer"
COLUMNS = (
    '"id", "occurred_at", "force", "user", "username", "operation", "event", "application_id", "reference", '
    '"record_type", "record_id", "justification", "recipients", "details", "ip", "user_agent", "request_id", '
    '"chain", "seq", "prev_hash", "hash"'
)

RAW_SQL = [
    "ALTER SEQUENCE audit_event_id_seq OWNED BY NONE",
    "ALTER TABLE audit_event RENAME TO audit_event_unpartitioned",
    "ALTER TABLE audit_event_unpartitioned DROP CONSTRAINT unique_chain_seq",
    "ALTER TABLE audit_event_unpartitioned RENAME CONSTRAINT audit_event_pkey TO audit_event_unpartitioned_pkey",
    "DROP INDEX audit_event_application_time, audit_event_user_time, audit_event_force_time, "
    "audit_event_force_event_time",
    'CREATE TABLE "audit_event" ("id" BIGINT NOT NULL DEFAULT nextval(\'audit_event_id_seq\'::regclass), "occurred_at" TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, "force" INTEGER REFERENCES "force" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "user" INTEGER REFERENCES "app_user" ("id") ON DELETE RESTRICT ON UPDATE CASCADE DEFAULT null, "username" VARCHAR(64) NOT NULL DEFAULT \'\', "operation" VARCHAR(16) NOT NULL DEFAULT \'\', "event" VARCHAR(64) NOT NULL DEFAULT \'\', "application_id" INTEGER DEFAULT null, "reference" VARCHAR(32) NOT NULL DEFAULT \'\', "record_type" VARCHAR(32) NOT NULL DEFAULT \'\', "record_id" BIGINT DEFAULT null, "justification" TEXT NOT NULL DEFAULT \'\', "recipients" TEXT NOT NULL DEFAULT \'\', "details" JSONB NOT NULL DEFAULT \'{}\', "ip" VARCHAR(64) NOT NULL DEFAULT \'\', "user_agent" VARCHAR(256) NOT NULL DEFAULT \'\', "request_id" VARCHAR(32) NOT NULL DEFAULT \'\', "chain" INTEGER NOT NULL DEFAULT 0, "seq" BIGINT NOT NULL DEFAULT 0, "prev_hash" VARCHAR(64) NOT NULL DEFAULT \'\', "hash" VARCHAR(64) NOT NULL DEFAULT \'\', PRIMARY KEY ("id", "occurred_at"), CONSTRAINT unique_chain_seq UNIQUE ("chain", "seq", "occurred_at")) PARTITION BY RANGE ("occurred_at")',
    "ALTER SEQUENCE audit_event_id_seq OWNED BY audit_event.id",
    'CREATE INDEX audit_event_application_time ON audit_event (application_id, occurred_at DESC) WHERE application_id IS NOT NULL',
    'CREATE INDEX audit_event_user_time ON audit_event ("user", occurred_at DESC)',
    'CREATE INDEX audit_event_force_time ON audit_event ("force", occurred_at DESC)',
    'CREATE INDEX audit_event_force_event_time ON audit_event ("force", event, occurred_at DESC)',
    "ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY",
    f'CREATE POLICY audit_read ON audit_event FOR SELECT USING ("force" = {FORCE_SETTING})',
    f'CREATE POLICY audit_append ON audit_event FOR INSERT WITH CHECK ("force" IS NULL OR "force" = {FORCE_SETTING})',
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_immutable()",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_immutable()",
    # One month's partition, named audit_event_yYYYYmMM, for each month from p_from to p_through
    # that has none yet. Owner only: the runtime role never makes tables. The parent's row
    # triggers reach each partition by themselves; its TRUNCATE trigger does not, so each has one.
    """CREATE FUNCTION public.audit_partitions_ensure(p_from timestamptz, p_through timestamptz)
       RETURNS integer
       LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp
       AS $$
       DECLARE
         month timestamptz := date_trunc('month', p_from AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
         name text;
         made integer := 0;
       BEGIN
         WHILE month <= p_through LOOP
           name := 'audit_event_' || to_char(month AT TIME ZONE 'UTC', '"y"YYYY"m"MM');
           IF to_regclass('public.' || name) IS NULL THEN
             EXECUTE format('CREATE TABLE public.%I PARTITION OF public.audit_event FOR VALUES FROM (%L) TO (%L)',
               name, month, month + interval '1 month');
             EXECUTE format('CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON public.%I '
               'FOR EACH STATEMENT EXECUTE FUNCTION public.audit_event_immutable()', name);
             made := made + 1;
           END IF;
           month := month + interval '1 month';
         END LOOP;
         RETURN made;
       END $$""",
    "REVOKE ALL ON FUNCTION audit_partitions_ensure(timestamptz, timestamptz) FROM PUBLIC",
    "SELECT audit_partitions_ensure(COALESCE((SELECT min(occurred_at) FROM audit_event_unpartitioned), now()), "
    "now() + interval '12 months')",
    "CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT",
    "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event_default "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_immutable()",
    f"INSERT INTO audit_event ({COLUMNS}) SELECT {COLUMNS} FROM audit_event_unpartitioned",
    "DROP TABLE audit_event_unpartitioned",
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
