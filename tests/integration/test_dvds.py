"""The Domestic Violence Disclosure Scheme (Clare's Law) through the API: no child on the case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from disclosure_service.disclosures import documents
from tests import cases, dvds
from tests.factories import TestUser
from tests.http import Api


def moment(hours: float = 0) -> str:
    return (datetime.now(UTC) - timedelta(hours=hours)).isoformat()


async def authorised(api: Api, officer: TestUser, supervisor: TestUser, **application: Any) -> dict[str, Any]:
    await api.sign_in(officer)
    case = await dvds.create(api, **application)
    await dvds.to_recommendation(api, case)
    file = await dvds.case_json(api, case)
    await cases.do(api, case, "recommend", **dvds.recommendation(dvds.person_id(file, "person_at_risk")))
    await api.post("/api/v1/auth/logout")
    await api.sign_in(supervisor)
    await cases.authorise(api, case, rationale="Pressing need; lawful, necessary and proportionate.")
    await api.post("/api/v1/auth/logout")
    await api.sign_in(officer)
    return case


async def test_a_right_to_ask_case_goes_from_application_to_a_signed_undertaking_and_closure_with_no_child(
    api: Api, dvds_officer: TestUser, dvds_supervisor: TestUser
) -> None:
    case = await authorised(api, dvds_officer, dvds_supervisor)
    assert case["stage"] == "disclosure"
    file = await dvds.case_json(api, case)
    assert file["scheme"] == "dvds"
    assert sorted(p["role"] for p in file["people"]) == ["applicant", "person_at_risk", "subject"]
    recipient = dvds.person_id(file, "person_at_risk")
    await cases.do(
        api,
        case,
        "schedule_disclosure_meeting",
        recipient_id=recipient,
        scheduled_for=moment(-1),
        location="Valley police station, room 3",
        officers="DC Ria Shah 5120",
        identity_recheck="Driving licence checked again",
        language="en",
    )
    await cases.do(api, case, "generate_undertaking")
    file = await dvds.case_json(api, case)
    form = await api.get(f"/api/v1/applications/{case['id']}/documents/{file['documents'][-1]['id']}")
    text = documents.text_of(form.content)
    assert "Domestic Violence Disclosure Scheme (Clare's Law)" in text
    assert "Person at risk" in text
    assert "protect Leah Brennan from domestic abuse" in text
    assert "safeguard children" not in text
    await cases.do(
        api,
        case,
        "record_disclosure_meeting",
        held_at=moment(0),
        identity_confirmed=True,
        purpose_explained=True,
        confidentiality_explained=True,
        legal_warning_given=True,
        safety_advice_given=True,
        support_given=True,
    )
    await cases.do(api, case, "undertaking_signed", happened_at=moment(0), witness="DC Ria Shah 5120")
    await cases.do(
        api,
        case,
        "record_disclosure_made",
        made_at=moment(0),
        what_was_disclosed="In 2019 he was convicted of assaulting a former partner.",
        subject_told=False,
    )
    await cases.do(
        api,
        case,
        "record_safety_plan",
        plan="Stays with her sister this week; a code word agreed with her sister.",
        referrals=["marac", "idva", "idva"],
        referral_notes="IDVA service rang her the same day; MARAC on the 14th.",
    )
    # The friend who asked is told the case is complete (never what was disclosed).
    await cases.do(
        api, case, "record_applicant_told", told_at=moment(0), method="phone", safeguarding_advice="IDVA details given"
    )
    # A CSODS outcome is not the DVDS's.
    wrong = await cases.do(api, case, "close", expect=400, outcome="disclosed_child_sex_convictions")
    assert "Disclosure of previous abusive or violent behaviour" in wrong["detail"]
    await cases.do(api, case, "close", outcome="disclosed_previous_abuse", onward_referrals="IDVA and MARAC")
    assert case["stage"] == "closed"
    file = await dvds.case_json(api, case)
    assert file["outcome"] == "disclosed_previous_abuse"
    assert not [p for p in file["people"] if p["role"] == "child"]
    assert [u["outcome"] for u in file["undertaking_outcomes"]] == ["signed"]
    [plan] = file["safety_plans"]
    assert plan["referrals"] == ["idva", "marac"]
    assert plan["plan"].startswith("Stays with her sister")
    assert "record_safety_plan" not in file["available_actions"]  # closed

    # Subject access: the safety plan is the person at risk's own; the partners' work is police information.
    exported = await api.get(
        "/api/v1/subject-access/export", params={"name": "Leah Brennan", "reason": "Her own request, by letter"}
    )
    assert exported.status_code == 200, exported.text
    sections = {s["title"]: s for s in exported.json()["cases"][0]["sections"]}
    assert sections["Safety plan"]["withhold"] is None
    assert sections["Safety plan"]["items"][0]["value"].startswith("Stays with her sister")
    assert sections["Partners and safeguarding"]["withhold"] == "police_information"
    asked = await api.get(
        "/api/v1/subject-access/export", params={"name": "Amira Khan", "reason": "Her own request, by letter"}
    )
    assert {s["title"]: s for s in asked.json()["cases"][0]["sections"]}["Safety plan"]["withhold"] == "third_party"


async def test_right_to_know_goes_from_the_triage_to_the_checks(
    api: Api, dvds_officer: TestUser, dvds_supervisor: TestUser
) -> None:
    await api.sign_in(dvds_officer)
    case = await dvds.create(
        api,
        route="right_to_know",
        channel="police_initiated",
        applicant={"full_name": "Leah Brennan", "safe_contact": "Through her IDVA"},
    )
    await cases.do(api, case, "complete_triage", immediate_risk=False, in_scope=True, risk_level="high")
    assert case["stage"] == "risk_assessment"
    # The same triage on a Right to Ask case leads to the face-to-face meeting.
    asked = await dvds.create(api)
    await cases.do(api, asked, "complete_triage", immediate_risk=False, in_scope=True, risk_level="high")
    assert asked["stage"] == "applicant_meeting"


async def test_the_triage_needs_the_person_at_risk_not_a_child(api: Api, dvds_officer: TestUser) -> None:
    await api.sign_in(dvds_officer)
    missing = await api.post("/api/v1/applications", dvds.application(person_at_risk=None))
    assert missing.status_code == 400
    assert "person at risk" in missing.text
    case = await dvds.create(api)
    file = await dvds.case_json(api, case)
    assert "complete_triage" in file["available_actions"]
    assert file["stage_clocks"], "a DVDS case runs on its own clocks"


async def test_the_dvds_recommendation_takes_the_dvds_criteria_only(api: Api, dvds_officer: TestUser) -> None:
    await api.sign_in(dvds_officer)
    case = await dvds.create(api)
    await dvds.to_recommendation(api, case)
    file = await dvds.case_json(api, case)
    body = {**dvds.recommendation(dvds.person_id(file, "person_at_risk")), "criteria": ["child_sexual_convictions"]}
    refused = await cases.do(api, case, "recommend", expect=422, **body)
    assert "not criteria of this scheme" in refused["detail"]


async def test_a_person_at_risk_is_refused_on_a_csods_application(api: Api, dvds_officer: TestUser) -> None:
    await api.sign_in(dvds_officer)
    refused = await api.post(
        "/api/v1/applications", cases.new_application(person_at_risk={"full_name": "Someone Else"})
    )
    assert refused.status_code == 400
    assert "person at risk" in refused.text


async def test_a_force_that_does_not_run_the_dvds_refuses_it(api: Api, officer: TestUser) -> None:
    await api.sign_in(officer)
    refused = await api.post("/api/v1/applications", dvds.application())
    assert refused.status_code == 422
    assert refused.json()["detail"] == "Your force does not run the Domestic Violence Disclosure Scheme"


async def test_the_new_application_page_offers_the_dvds_only_where_the_force_runs_it(
    api: Api, dvds_officer: TestUser, officer: TestUser
) -> None:
    await api.sign_in(dvds_officer)
    choice = await api.get("/cases/new")
    assert choice.status_code == 200
    assert "Which scheme is the application under?" in choice.text
    assert "Domestic Violence Disclosure Scheme" in choice.text
    unanswered = await api.get("/cases/new?scheme=")
    assert unanswered.status_code == 400
    assert "Select which scheme the application is under" in unanswered.text
    page = await api.get("/cases/new?scheme=dvds")
    assert "The person at risk" in page.text
    assert "The child" not in page.text
    received = datetime.now(UTC) - timedelta(hours=1)
    form = {
        "scheme": "dvds",
        "route": "right_to_ask",
        "channel": "online",
        "received_at-day": str(received.day),
        "received_at-month": str(received.month),
        "received_at-year": str(received.year),
        "received_at-time": "00:01",
        "concern": "Worried about my sister's new partner",
        "applicant.full_name": "Amira Khan",
        "applicant.safe_contact": "Mobile",
        "applicant.letters_ok": "false",
        "person_at_risk.full_name": "",
        "subject.full_name": "Jordan Pike",
    }
    missing = await api.form("/cases/new", form)
    assert missing.status_code == 400
    assert 'value="Amira Khan"' in missing.text  # what was typed is kept
    assert 'name="scheme" value="dvds"' in missing.text
    made = await api.form("/cases/new", {**form, "person_at_risk.full_name": "Leah Brennan"})
    assert made.status_code == 303, made.text
    case_page = await api.get(made.headers["location"])
    assert "Domestic Violence Disclosure Scheme" in case_page.text
    assert "Person at risk" in case_page.text
    # A force that runs the CSODS only goes straight to its questions.
    await api.post("/api/v1/auth/logout")
    await api.sign_in(officer)
    only = await api.get("/cases/new")
    assert "The child" in only.text
    assert "Which scheme" not in only.text
    refused = await api.get("/cases/new?scheme=dvds")
    assert "The person at risk" not in refused.text


async def test_nothing_to_disclose_the_applicant_gets_the_dvds_letter_in_welsh(
    api: Api, dvds_officer: TestUser, dvds_supervisor: TestUser
) -> None:
    await api.sign_in(dvds_officer)
    applicant = {
        "full_name": "Amira Khan",
        "safe_contact": "Any time",
        "letters_ok": True,
        "address": "3 Heol y Bont",
        "preferred_language": "Cymraeg",
    }
    case = await dvds.create(api, applicant=applicant)
    await dvds.to_recommendation(api, case, result="no_trace")
    await cases.do(api, case, "recommend", decision="do_not_disclose", rationale="No trace.", subject_told=False)
    await api.post("/api/v1/auth/logout")
    await api.sign_in(dvds_supervisor)
    await cases.authorise(api, case, rationale="Agreed.")
    await cases.do(
        api, case, "record_applicant_told", told_at=moment(0), method="letter", safeguarding_advice="Cadwch yn ddiogel."
    )
    file = await dvds.case_json(api, case)
    [letter] = [d for d in file["documents"] if d["kind"] == "non_disclosure_letter"]
    assert letter["language"] == "cy"
    content = await api.get(f"/api/v1/applications/{case['id']}/documents/{letter['id']}")
    text = documents.text_of(content.content)
    assert "Eich cais o dan y Cynllun Datgelu Trais Domestig" in text
    assert "Annwyl Amira Khan" in text
    assert "Byw Heb Ofn" in text
    await cases.do(api, case, "close", outcome="no_trace")
    assert case["stage"] == "closed"
