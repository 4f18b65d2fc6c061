"""Written by hand: the runtime role no longer updates the audit chains' heads itself.

With UPDATE on `audit_chain` the runtime role could move a head anywhere: back, to hide the rows
after it from a verification run without exported heads, or to a hash no row has. Now it may only
read the table and call two SECURITY DEFINER functions: one takes (locks) a chain's head for the
transaction, the other moves a head one position forward, and only to the row that was appended
at that position and links to the head it replaces. `migrate` revokes the UPDATE (TABLE_PRIVILEGES).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit chain heads move only through functions that check the link"

RAW_SQL = [
    # The chain this transaction already holds (noted in a transaction-local setting), so that writing
    # several rows never waits for a second chain while holding the first; otherwise a chain nobody
    # else is writing to, starting from p_start, and waiting only if all are busy. The row lock lasts
    # until the caller's transaction ends, which keeps each chain in commit order.
    """CREATE FUNCTION public.audit_chain_take(p_start integer)
       RETURNS TABLE (chain integer, seq bigint, head_hash varchar)
       LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $$
       DECLARE
         held integer := NULLIF(current_setting('app.audit_chain', true), '')::integer;
         taken integer;
       BEGIN
         IF held IS NOT NULL THEN
           SELECT c.id INTO taken FROM public.audit_chain c WHERE c.id = held FOR UPDATE;
         ELSE
           SELECT c.id INTO taken FROM public.audit_chain c
             ORDER BY (c.id + p_start) % 16 FOR UPDATE SKIP LOCKED LIMIT 1;
           IF NOT FOUND THEN
             SELECT c.id INTO taken FROM public.audit_chain c WHERE c.id = p_start FOR UPDATE;
           END IF;
         END IF;
         IF taken IS NULL THEN
           RETURN;
         END IF;
         PERFORM set_config('app.audit_chain', taken::text, true);
         RETURN QUERY SELECT c.id, c.seq, c.head_hash FROM public.audit_chain c WHERE c.id = taken;
       END $$""",
    "REVOKE ALL ON FUNCTION audit_chain_take(integer) FROM PUBLIC",
    # The head moves to position seq + 1 only if a row is there and its prev_hash is the head's
    # hash; the new head's hash is read from that row, never given by the caller. Rows cannot be
    # changed once written (the triggers), so a head can only follow the chain forward, one link at a
    # time; it can never go back, skip, or point at a hash that no row carries.
    """CREATE FUNCTION public.audit_chain_advance(p_chain integer)
       RETURNS bigint
       LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $$
       DECLARE
         head_seq bigint;
         head_hash_now varchar;
         next_hash varchar;
         next_prev varchar;
         next_time timestamptz;
       BEGIN
         SELECT c.seq, c.head_hash INTO head_seq, head_hash_now FROM public.audit_chain c
           WHERE c.id = p_chain FOR UPDATE;
         IF NOT FOUND THEN
           RAISE EXCEPTION 'audit chain % does not exist', p_chain USING ERRCODE = 'insufficient_privilege';
         END IF;
         SELECT e.hash, e.prev_hash, e.occurred_at INTO next_hash, next_prev, next_time FROM public.audit_event e
           WHERE e.chain = p_chain AND e.seq = head_seq + 1;
         IF NOT FOUND OR next_prev IS DISTINCT FROM head_hash_now THEN
           RAISE EXCEPTION 'audit chain % can only move to the row appended after its head', p_chain
             USING ERRCODE = 'insufficient_privilege';
         END IF;
         UPDATE public.audit_chain SET seq = head_seq + 1, head_hash = next_hash, updated_at = next_time
           WHERE id = p_chain;
         RETURN head_seq + 1;
       END $$""",
    "REVOKE ALL ON FUNCTION audit_chain_advance(integer) FROM PUBLIC",
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
