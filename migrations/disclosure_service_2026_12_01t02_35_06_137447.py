from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from enum import Enum
from piccolo.columns.base import OnDelete
from piccolo.columns.base import OnUpdate
from piccolo.columns.column_types import Array
from piccolo.columns.column_types import ForeignKey
from piccolo.columns.column_types import Serial
from piccolo.columns.column_types import Text
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.indexes import IndexMethod
from piccolo.table import Table


class Application(Table, tablename="application", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name=None,
        secret=False,
    )


class Force(Table, tablename="force", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name=None,
        secret=False,
    )


class User(Table, tablename="app_user", schema=None):
    id = Serial(
        null=False,
        primary_key=True,
        unique=False,
        index=False,
        index_method=IndexMethod.btree,
        choices=None,
        db_column_name=None,
        secret=False,
    )


ID = "2026-12-01T02:35:06:137447"
VERSION = "1.38.0"
DESCRIPTION = "DVDS: safety plans; the DVDS outcome, check result and person roles"


async def forwards():
    manager = MigrationManager(
        migration_id=ID, app_name="disclosure_service", description=DESCRIPTION
    )

    manager.add_table(
        class_name="SafetyPlan",
        tablename="safety_plan",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="SafetyPlan",
        tablename="safety_plan",
        column_name="id",
        db_column_name="id",
        column_class_name="Serial",
        column_class=Serial,
        params={
            "null": False,
            "primary_key": True,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SafetyPlan",
        tablename="safety_plan",
        column_name="force",
        db_column_name="force",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Force,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SafetyPlan",
        tablename="safety_plan",
        column_name="application",
        db_column_name="application",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": Application,
            "on_delete": OnDelete.cascade,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SafetyPlan",
        tablename="safety_plan",
        column_name="plan",
        db_column_name="plan",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SafetyPlan",
        tablename="safety_plan",
        column_name="referrals",
        db_column_name="referrals",
        column_class_name="Array",
        column_class=Array,
        params={
            "default": list,
            "base_column": Varchar(
                length=24,
                default="",
                null=False,
                primary_key=False,
                unique=False,
                index=False,
                index_method=IndexMethod.btree,
                choices=None,
                db_column_name=None,
                secret=False,
            ),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SafetyPlan",
        tablename="safety_plan",
        column_name="referral_notes",
        db_column_name="referral_notes",
        column_class_name="Text",
        column_class=Text,
        params={
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SafetyPlan",
        tablename="safety_plan",
        column_name="recorded_by",
        db_column_name="recorded_by",
        column_class_name="ForeignKey",
        column_class=ForeignKey,
        params={
            "references": User,
            "on_delete": OnDelete.restrict,
            "on_update": OnUpdate.cascade,
            "target_column": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="SafetyPlan",
        tablename="safety_plan",
        column_name="recorded_at",
        db_column_name="recorded_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.alter_column(
        table_class_name="Application",
        tablename="application",
        column_name="outcome",
        db_column_name="outcome",
        params={
            "choices": Enum(
                "Outcome",
                {
                    "no_trace": "no_trace",
                    "held_not_disclosed": "held_not_disclosed",
                    "disclosed_child_sex_convictions": "disclosed_child_sex_convictions",
                    "disclosed_other_information": "disclosed_other_information",
                    "other_safeguarding_action": "other_safeguarding_action",
                    "withdrawn": "withdrawn",
                    "out_of_scope": "out_of_scope",
                    "transferred": "transferred",
                    "identity_not_verified": "identity_not_verified",
                    "escalated_child_protection": "escalated_child_protection",
                    "disclosed_previous_abuse": "disclosed_previous_abuse",
                },
            )
        },
        old_params={
            "choices": Enum(
                "Outcome",
                {
                    "no_trace": "no_trace",
                    "held_not_disclosed": "held_not_disclosed",
                    "disclosed_child_sex_convictions": "disclosed_child_sex_convictions",
                    "disclosed_other_information": "disclosed_other_information",
                    "other_safeguarding_action": "other_safeguarding_action",
                    "withdrawn": "withdrawn",
                    "out_of_scope": "out_of_scope",
                    "transferred": "transferred",
                    "identity_not_verified": "identity_not_verified",
                    "escalated_child_protection": "escalated_child_protection",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="CaseCheck",
        tablename="case_check",
        column_name="result",
        db_column_name="result",
        params={
            "choices": Enum(
                "CheckResult",
                {
                    "no_trace": "no_trace",
                    "child_sexual_offence_convictions": "child_sexual_offence_convictions",
                    "other_convictions": "other_convictions",
                    "intelligence": "intelligence",
                    "other_information": "other_information",
                    "domestic_abuse_history": "domestic_abuse_history",
                },
            )
        },
        old_params={
            "choices": Enum(
                "CheckResult",
                {
                    "no_trace": "no_trace",
                    "child_sexual_offence_convictions": "child_sexual_offence_convictions",
                    "other_convictions": "other_convictions",
                    "intelligence": "intelligence",
                    "other_information": "other_information",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="CasePerson",
        tablename="case_person",
        column_name="role",
        db_column_name="role",
        params={
            "choices": Enum(
                "PersonRole",
                {
                    "applicant": "applicant",
                    "subject": "subject",
                    "child": "child",
                    "parent_carer": "parent_carer",
                    "referrer": "referrer",
                    "other": "other",
                    "person_at_risk": "person_at_risk",
                    "third_party": "third_party",
                },
            )
        },
        old_params={
            "choices": Enum(
                "PersonRole",
                {
                    "applicant": "applicant",
                    "subject": "subject",
                    "child": "child",
                    "parent_carer": "parent_carer",
                    "referrer": "referrer",
                    "other": "other",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="Closure",
        tablename="closure",
        column_name="outcome",
        db_column_name="outcome",
        params={
            "choices": Enum(
                "Outcome",
                {
                    "no_trace": "no_trace",
                    "held_not_disclosed": "held_not_disclosed",
                    "disclosed_child_sex_convictions": "disclosed_child_sex_convictions",
                    "disclosed_other_information": "disclosed_other_information",
                    "other_safeguarding_action": "other_safeguarding_action",
                    "withdrawn": "withdrawn",
                    "out_of_scope": "out_of_scope",
                    "transferred": "transferred",
                    "identity_not_verified": "identity_not_verified",
                    "escalated_child_protection": "escalated_child_protection",
                    "disclosed_previous_abuse": "disclosed_previous_abuse",
                },
            )
        },
        old_params={
            "choices": Enum(
                "Outcome",
                {
                    "no_trace": "no_trace",
                    "held_not_disclosed": "held_not_disclosed",
                    "disclosed_child_sex_convictions": "disclosed_child_sex_convictions",
                    "disclosed_other_information": "disclosed_other_information",
                    "other_safeguarding_action": "other_safeguarding_action",
                    "withdrawn": "withdrawn",
                    "out_of_scope": "out_of_scope",
                    "transferred": "transferred",
                    "identity_not_verified": "identity_not_verified",
                    "escalated_child_protection": "escalated_child_protection",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    manager.alter_column(
        table_class_name="ForceCheckRequest",
        tablename="force_check_request",
        column_name="result",
        db_column_name="result",
        params={
            "choices": Enum(
                "CheckResult",
                {
                    "no_trace": "no_trace",
                    "child_sexual_offence_convictions": "child_sexual_offence_convictions",
                    "other_convictions": "other_convictions",
                    "intelligence": "intelligence",
                    "other_information": "other_information",
                    "domestic_abuse_history": "domestic_abuse_history",
                },
            )
        },
        old_params={
            "choices": Enum(
                "CheckResult",
                {
                    "no_trace": "no_trace",
                    "child_sexual_offence_convictions": "child_sexual_offence_convictions",
                    "other_convictions": "other_convictions",
                    "intelligence": "intelligence",
                    "other_information": "other_information",
                },
            )
        },
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
