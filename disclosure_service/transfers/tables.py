"""What passes between two forces: each row is visible to both parties and to nobody else."""

from __future__ import annotations

from piccolo.columns import JSONB, Date, ForeignKey, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from disclosure_service.cases.tables import Application, CaseCheck
from disclosure_service.cases.vocabulary import CheckResult
from disclosure_service.identity.tables import Force, User


class CaseTransfer(Table, tablename="case_transfer"):
    """A case sent to another force: the sending case closed as transferred, and the receiving
    force's new case. Written only by `case_transfer_create` (see its migration)."""

    id = Serial(primary_key=True)
    # The sending force and its case.
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    reference = Varchar(length=32)
    to_force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    to_application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    to_reference = Varchar(length=32)
    reason = Text()
    # What went with it besides the people and the concern: the checks' results, if decided.
    shared = JSONB(default="{}")
    sent_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    sent_at = Timestamptz()


class ForceCheckRequest(Table, tablename="force_check_request"):
    """A check asked of another force about one person, and its answer, which becomes the result of
    the asking case's check. The answer is written only by `force_check_answer`."""

    id = Serial(primary_key=True)
    # The asking force, its case and the check the answer completes.
    force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False)
    application = ForeignKey(Application, on_delete=OnDelete.cascade, null=False, index=True)
    reference = Varchar(length=32)
    case_check = ForeignKey(CaseCheck, on_delete=OnDelete.cascade, null=False, unique=True)
    to_force = ForeignKey(Force, on_delete=OnDelete.restrict, null=False, index=True)
    # Who the check is about: what the answering force needs to find them, nothing more.
    full_name = Varchar(length=200)
    other_names = Varchar(length=200)
    date_of_birth = Date(null=True, default=None)
    address = Text()
    question = Text()
    requested_by = ForeignKey(User, on_delete=OnDelete.restrict, null=False)
    requested_at = Timestamptz()
    result = Varchar(length=40, choices=CheckResult, null=True, default=None)
    returned_on = Date(null=True, default=None)
    summary = Text()
    answered_by = ForeignKey(User, on_delete=OnDelete.set_null, null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)
