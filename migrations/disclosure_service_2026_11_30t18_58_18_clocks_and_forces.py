"""Written by hand: row-level security for the clock tables and for what passes between forces; the
clocks of the cases already recorded; the SECURITY DEFINER functions through which one force
writes into another (docs/security.md, decision 20).

Cases recorded before clocks per stage keep exactly the deadlines they had: their triage, meeting
and whole-case clocks are read from their own row (the whole case is one length whatever the
decision, as it was), a refused undertaking still has its 24 hours, and the new risk-assessment
and decision clocks have no length for them, so they never run.

`case_clock`, `clock_setting`: a force sees and writes its own rows only. `case_transfer`: both
forces read it; nobody writes it but `case_transfer_create`. `force_check_request`: both forces
read it; the asking force inserts it; only `force_check_answer` records the answer.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-11-30T18:58:18:000000"
VERSION = "1.38.0"
DESCRIPTION = "clocks per stage and the functions that cross forces"

FORCE_SETTING = "NULLIF(current_setting('app.force_id', true), '')::integer"
CALLER_FORCE = "NULLIF(pg_catalog.current_setting('app.force_id', true), '')::integer"
# Stages from which a case may be transferred: open, before a decision has been asked for.
BEFORE_DECISION = "('received', 'initial_triage', 'applicant_meeting', 'risk_assessment', 'recommendation')"
CHECK_RESULTS = "('no_trace', 'child_sexual_offence_convictions', 'other_convictions', 'intelligence', 'other_information')"
PERSON_COLUMNS = (
    "role, full_name, other_names, date_of_birth, place_of_birth, address, previous_addresses, gender, "
    "ethnicity, preferred_language, safe_contact, contact_issues, letters_ok, relationship_to_child, "
    "contact_with_child, occupation, voluntary_activities"
)
# A row this very transaction (or one of its savepoints) wrote: visible to it, and its writer still
# in progress, which no other transaction's row visible here can be.
def written_here(alias):
    xid8 = f"((pg_catalog.pg_current_xact_id()::text::bigint >> 32 << 32) | {alias}.xmin::text::bigint)::text::xid8"
    return f"pg_catalog.pg_xact_status({xid8}) = 'in progress'"


AUDIT_COLUMNS = (
    'chain, seq, prev_hash, occurred_at, "force", "user", username, operation, event, application_id, '
    "reference, record_type, record_id, justification, recipients, details, ip, user_agent, request_id, hash"
)

RAW_SQL = [
    'CREATE INDEX case_clock_running_due ON case_clock ("force", due_at) '
    "WHERE started_at IS NOT NULL AND stopped_at IS NULL",
    'CREATE INDEX clock_setting_lookup ON clock_setting ("force", scheme, clock, effective_from)',
    *(
        statement
        for table in ("case_clock", "clock_setting")
        for statement in (
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f'CREATE POLICY force_isolation ON {table} USING ("force" = {FORCE_SETTING}) '
            f'WITH CHECK ("force" = {FORCE_SETTING})',
        )
    ),
    "ALTER TABLE case_transfer ENABLE ROW LEVEL SECURITY",
    f'CREATE POLICY parties_read ON case_transfer FOR SELECT USING ("force" = {FORCE_SETTING} '
    f"OR to_force = {FORCE_SETTING})",
    "ALTER TABLE force_check_request ENABLE ROW LEVEL SECURITY",
    f'CREATE POLICY parties_read ON force_check_request FOR SELECT USING ("force" = {FORCE_SETTING} '
    f"OR to_force = {FORCE_SETTING})",
    f'CREATE POLICY asker_inserts ON force_check_request FOR INSERT WITH CHECK ("force" = {FORCE_SETTING})',
    # The clocks of the cases already recorded, as they were.
    """INSERT INTO case_clock ("force", application, clock, hours, extended_hours, started_at, due_at, stopped_at)
       SELECT a."force", a.id, 'triage', round(extract(epoch FROM a.triage_due_at - a.received_at) / 3600)::integer,
              0, a.received_at, a.triage_due_at,
              CASE WHEN a.stage IN ('received', 'initial_triage') THEN NULL
                   ELSE COALESCE(t.recorded_at, e.first_at, a.closed_at, a.updated_at) END
       FROM application a
       LEFT JOIN triage t ON t.application = a.id
       LEFT JOIN (SELECT application, min(recorded_at) AS first_at FROM escalation GROUP BY application) e
           ON e.application = a.id
       WHERE a.triage_due_at IS NOT NULL""",
    """INSERT INTO case_clock ("force", application, clock, hours, extended_hours, started_at, due_at, stopped_at)
       SELECT a."force", a.id, 'applicant_meeting',
              round(extract(epoch FROM a.meeting_due_at - a.received_at) / 3600)::integer, 0, a.received_at,
              a.meeting_due_at,
              CASE WHEN a.stage IN ('received', 'initial_triage', 'applicant_meeting') THEN NULL
                   ELSE COALESCE(m.first_at, a.closed_at, a.updated_at) END
       FROM application a
       LEFT JOIN (SELECT application, min(recorded_at) AS first_at FROM applicant_meeting GROUP BY application) m
           ON m.application = a.id
       WHERE a.meeting_due_at IS NOT NULL""",
    """INSERT INTO case_clock ("force", application, clock, hours, extended_hours, started_at, due_at, stopped_at)
       SELECT a."force", a.id, w.clock, w.hours - COALESCE(x.days, 0) * 24, COALESCE(x.days, 0) * 24,
              CASE WHEN w.clock = 'whole_case' THEN a.received_at
                   WHEN a.stage = 'non_disclosure' THEN a.updated_at END,
              CASE WHEN w.clock = 'whole_case' OR a.stage = 'non_disclosure' THEN a.due_at END,
              CASE WHEN w.clock = 'whole_case' AND a.stage = 'non_disclosure' THEN a.updated_at
                   WHEN w.clock = 'whole_case' THEN a.closed_at END
       FROM application a
       CROSS JOIN LATERAL (VALUES ('whole_case'), ('whole_case_no_disclosure')) AS c(clock)
       CROSS JOIN LATERAL (SELECT c.clock, round(extract(epoch FROM a.due_at - a.received_at) / 3600)::integer
                           AS hours) w
       LEFT JOIN (SELECT application, sum(days) AS days FROM extension GROUP BY application) x
           ON x.application = a.id
       WHERE a.due_at IS NOT NULL""",
    """INSERT INTO case_clock ("force", application, clock, hours, extended_hours, started_at, due_at, stopped_at)
       SELECT a."force", a.id, c.clock, NULL, 0, NULL, NULL, NULL
       FROM application a CROSS JOIN (VALUES ('risk_assessment'), ('decision')) AS c(clock)""",
    """INSERT INTO case_clock ("force", application, clock, hours, extended_hours, started_at, due_at, stopped_at)
       SELECT a."force", a.id, 'undertaking_review', 24, 0,
              CASE WHEN a.stage = 'undertaking_review' THEN a.next_due_at - interval '24 hours' END,
              CASE WHEN a.stage = 'undertaking_review' THEN a.next_due_at END, NULL
       FROM application a""",
    # A force's clock lengths in force on a day: another force's too, for a case sent to it. Settings
    # only, never case data; nothing for a caller with no force.
    f"""CREATE FUNCTION public.force_clock_hours(p_force integer, p_scheme text, p_day date)
       RETURNS TABLE (clock text, hours integer)
       LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $$ SELECT DISTINCT ON (s.clock) s.clock::text, s.hours FROM public.clock_setting s
             WHERE {CALLER_FORCE} IS NOT NULL AND s."force" = p_force AND s.scheme = p_scheme
               AND s.effective_from <= p_day
             ORDER BY s.clock, s.effective_from DESC, s.id DESC $$""",
    "REVOKE ALL ON FUNCTION force_clock_hours(integer, text, date) FROM PUBLIC",
    # A case of the caller's force, open and before its decision, copied to another force that runs
    # its scheme: its people and its concern (and its checks' results, if the sender decided so, on
    # the link only), under the receiving force's next reference and with the clocks the sender
    # computed from the receiving force's settings. The sender closes its own case itself.
    f"""CREATE FUNCTION public.case_transfer_create(
           p_from integer, p_to_force integer, p_by integer, p_at timestamptz, p_reason text,
           p_share_checks boolean, p_case jsonb)
       RETURNS TABLE (out_transfer integer, out_application integer, out_reference text)
       LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $$
       DECLARE
         me integer := {CALLER_FORCE};
         src public.application%ROWTYPE;
         code text;
         yr integer;
         num integer;
         new_id integer;
         new_ref text;
         link_id integer;
         people integer;
         checks jsonb := '[]'::jsonb;
       BEGIN
         IF me IS NULL OR p_to_force IS NULL OR p_to_force = me THEN
           RAISE EXCEPTION 'a case is transferred from your force to another' USING ERRCODE = 'insufficient_privilege';
         END IF;
         SELECT * INTO src FROM public.application a WHERE a.id = p_from AND a."force" = me FOR UPDATE;
         IF NOT FOUND THEN
           RAISE EXCEPTION 'no such case in your force' USING ERRCODE = 'insufficient_privilege';
         END IF;
         IF src.stage NOT IN {BEFORE_DECISION} THEN
           RAISE EXCEPTION 'only an open case before its decision is transferred' USING ERRCODE = 'check_violation';
         END IF;
         IF NOT EXISTS (SELECT 1 FROM public.app_user u WHERE u.id = p_by AND u."force" = me) THEN
           RAISE EXCEPTION 'the sender is not of your force' USING ERRCODE = 'insufficient_privilege';
         END IF;
         SELECT f.code INTO code FROM public.force f WHERE f.id = p_to_force AND src.scheme = ANY (f.schemes);
         IF NOT FOUND THEN
           RAISE EXCEPTION 'that force does not run this scheme' USING ERRCODE = 'check_violation';
         END IF;
         yr := extract(year FROM (p_case->>'received_at')::timestamptz AT TIME ZONE 'UTC')::integer;
         INSERT INTO public.reference_counter ("force", year, last) VALUES (p_to_force, yr, 1)
           ON CONFLICT ("force", year) DO UPDATE SET last = public.reference_counter.last + 1
           RETURNING last INTO num;
         new_ref := code || '-' || yr || '-' || CASE WHEN num < 100000 THEN lpad(num::text, 5, '0') ELSE num::text END;
         INSERT INTO public.application ("force", reference, scheme, route, channel, received_at, stage, outcome,
             risk_level, concern, assigned_to, supervisor, created_by, triage_due_at, meeting_due_at, due_at,
             next_due_at, closed_at, retention_review_on, version, created_at, updated_at)
         VALUES (p_to_force, new_ref, src.scheme, src.route, src.channel, (p_case->>'received_at')::timestamptz,
             'received', NULL, 'not_assessed', src.concern, NULL, NULL, p_by,
             (p_case->>'triage_due_at')::timestamptz, (p_case->>'meeting_due_at')::timestamptz,
             (p_case->>'due_at')::timestamptz, (p_case->>'next_due_at')::timestamptz, NULL, NULL, 1, p_at, p_at)
         RETURNING id INTO new_id;
         INSERT INTO public.case_person ("force", application, {PERSON_COLUMNS}, created_at, updated_at)
         SELECT p_to_force, new_id, {PERSON_COLUMNS}, p_at, p_at FROM public.case_person
         WHERE application = p_from AND "force" = me ORDER BY id;
         GET DIAGNOSTICS people = ROW_COUNT;
         INSERT INTO public.case_clock ("force", application, clock, hours, extended_hours, started_at, due_at,
             stopped_at)
         SELECT p_to_force, new_id, c->>'clock', (c->>'hours')::integer, 0, (c->>'started_at')::timestamptz,
             (c->>'due_at')::timestamptz, NULL
         FROM jsonb_array_elements(p_case->'clocks') AS c;
         IF p_share_checks THEN
           SELECT COALESCE(jsonb_agg(jsonb_build_object('source', k.source, 'requested_on', k.requested_on,
                      'returned_on', k.returned_on, 'result', k.result, 'summary', k.summary) ORDER BY k.id),
                      '[]'::jsonb)
             INTO checks FROM public.case_check k WHERE k.application = p_from AND k."force" = me;
         END IF;
         INSERT INTO public.case_transfer ("force", application, reference, to_force, to_application, to_reference,
             reason, shared, sent_by, sent_at)
         VALUES (me, p_from, src.reference, p_to_force, new_id, new_ref, p_reason,
             jsonb_build_object('people', people, 'concern', true, 'checks', checks), p_by, p_at)
         RETURNING id INTO link_id;
         RETURN QUERY SELECT link_id, new_id, new_ref;
       END $$""",
    "REVOKE ALL ON FUNCTION case_transfer_create(integer, integer, integer, timestamptz, text, boolean, jsonb) "
    "FROM PUBLIC",
    # The answer to a check asked of the caller's force, once: on the request, and as the result of the
    # asking force's check (whose case moves on a version).
    f"""CREATE FUNCTION public.force_check_answer(
           p_request integer, p_by integer, p_at timestamptz, p_result text, p_returned_on date, p_summary text)
       RETURNS TABLE (out_force integer, out_application integer, out_reference text)
       LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $$
       DECLARE
         me integer := {CALLER_FORCE};
         req public.force_check_request%ROWTYPE;
       BEGIN
         SELECT * INTO req FROM public.force_check_request r WHERE r.id = p_request AND r.to_force = me FOR UPDATE;
         IF me IS NULL OR NOT FOUND THEN
           RAISE EXCEPTION 'no such request to your force' USING ERRCODE = 'insufficient_privilege';
         END IF;
         IF req.answered_at IS NOT NULL THEN
           RAISE EXCEPTION 'this request has been answered' USING ERRCODE = 'check_violation';
         END IF;
         IF NOT EXISTS (SELECT 1 FROM public.app_user u WHERE u.id = p_by AND u."force" = me) THEN
           RAISE EXCEPTION 'the answer is not from your force' USING ERRCODE = 'insufficient_privilege';
         END IF;
         IF p_result NOT IN {CHECK_RESULTS} THEN
           RAISE EXCEPTION 'not a check result' USING ERRCODE = 'check_violation';
         END IF;
         UPDATE public.force_check_request SET result = p_result, returned_on = p_returned_on, summary = p_summary,
             answered_by = p_by, answered_at = p_at
         WHERE id = req.id;
         UPDATE public.case_check SET returned_on = p_returned_on, result = p_result, summary = p_summary
         WHERE id = req.case_check AND application = req.application AND result IS NULL;
         UPDATE public.application SET version = version + 1, updated_at = p_at WHERE id = req.application;
         RETURN QUERY SELECT req."force", req.application, req.reference::text;
       END $$""",
    "REVOKE ALL ON FUNCTION force_check_answer(integer, integer, timestamptz, text, date, text) FROM PUBLIC",
    # The other force's audit row of an exchange this very transaction wrote: the row is built and
    # hashed by the audit writer, on the chain this transaction holds; only these events, only about
    # an exchange between the two forces written by this transaction, and only by a user of the caller's force.
    f"""CREATE FUNCTION public.audit_append_across_forces(p_row jsonb)
       RETURNS void
       LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
       AS $$
       DECLARE
         me integer := {CALLER_FORCE};
         other integer := (p_row->>'force')::integer;
         kind text := p_row->>'record_type';
         rid bigint := (p_row->>'record_id')::bigint;
         app integer := (p_row->>'application_id')::integer;
         ev text := p_row->>'event';
         ours boolean;
       BEGIN
         IF me IS NULL OR other IS NULL OR other = me THEN
           RAISE EXCEPTION 'only a row for another force' USING ERRCODE = 'insufficient_privilege';
         END IF;
         IF (p_row->>'chain')::integer IS DISTINCT FROM
            NULLIF(pg_catalog.current_setting('app.audit_chain', true), '')::integer THEN
           RAISE EXCEPTION 'only on the chain this transaction holds' USING ERRCODE = 'insufficient_privilege';
         END IF;
         IF NOT EXISTS (SELECT 1 FROM public.app_user u WHERE u.id = (p_row->>'user')::integer AND u."force" = me) THEN
           RAISE EXCEPTION 'only by a user of your force' USING ERRCODE = 'insufficient_privilege';
         END IF;
         IF kind = 'case_transfer' AND ev = 'case.received_by_transfer' THEN
           ours := EXISTS (SELECT 1 FROM public.case_transfer t WHERE t.id = rid AND t."force" = me
                     AND t.to_force = other AND t.to_application = app AND {written_here('t')});
         ELSIF kind = 'force_check_request' AND ev = 'check_request.received' THEN
           ours := app IS NULL AND EXISTS (SELECT 1 FROM public.force_check_request r WHERE r.id = rid
                     AND r."force" = me AND r.to_force = other AND {written_here('r')});
         ELSIF kind = 'force_check_request' AND ev = 'check_request.answer_received' THEN
           ours := EXISTS (SELECT 1 FROM public.force_check_request r WHERE r.id = rid AND r.to_force = me
                     AND r."force" = other AND r.application = app AND r.answered_at IS NOT NULL
                     AND {written_here('r')});
         ELSE
           ours := false;
         END IF;
         IF NOT ours THEN
           RAISE EXCEPTION 'not an exchange this transaction made with that force'
             USING ERRCODE = 'insufficient_privilege';
         END IF;
         INSERT INTO public.audit_event ({AUDIT_COLUMNS})
         SELECT {", ".join("r." + c.strip() for c in AUDIT_COLUMNS.split(","))}
         FROM jsonb_populate_record(NULL::public.audit_event, p_row) AS r;
       END $$""",
    "REVOKE ALL ON FUNCTION audit_append_across_forces(jsonb) FROM PUBLIC",
]


async def run_raw_sql():
    engine = engine_finder()
    for statement in RAW_SQL:
        await engine.run_ddl(statement)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="disclosure_service", description=DESCRIPTION)
    manager.add_raw(run_raw_sql)
    return manager
