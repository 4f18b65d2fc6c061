from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.exceptions import InvalidTag

from disclosure_service.auth import recovery, totp

NOW = datetime(2026, 11, 28, 12, 0, 10, tzinfo=UTC)


def test_the_current_and_previous_steps_match_with_their_time_step() -> None:
    secret = totp.new_secret()
    step = int(NOW.timestamp()) // 30
    assert totp.matching_timecode(secret, totp.code_at(secret, NOW), NOW) == step
    assert totp.matching_timecode(secret, totp.code_at(secret, NOW - timedelta(seconds=30)), NOW) == step - 1


def test_older_and_future_codes_do_not_match() -> None:
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    current = {totp.code_at(secret, NOW), totp.code_at(secret, NOW - timedelta(seconds=30))}
    for offset in (-60, 30):
        code = totp.code_at(secret, NOW + timedelta(seconds=offset))
        if code not in current:
            assert totp.matching_timecode(secret, code, NOW) is None


@pytest.mark.parametrize("raw", ["１２３４５６", "12345", "1234567", "12a456", "", "١٢٣٤٥٦"])
def test_only_six_ascii_digits_are_a_code(raw: str) -> None:
    assert totp.normalise_code(raw) is None


def test_spaces_in_a_typed_code_are_ignored() -> None:
    assert totp.normalise_code(" 123 456 ") == "123456"


def test_secrets_are_encrypted_and_bound_to_their_user() -> None:
    box = totp.SecretBox("k" * 40)
    secret = totp.new_secret()
    sealed = box.encrypt(secret, user_id=7)
    assert secret not in sealed
    assert box.decrypt(sealed, user_id=7) == secret
    with pytest.raises(InvalidTag):
        box.decrypt(sealed, user_id=8)
    with pytest.raises(InvalidTag):
        totp.SecretBox("j" * 40).decrypt(sealed, user_id=7)


def test_the_provisioning_uri_names_only_the_service_and_username() -> None:
    uri = totp.provisioning_uri("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "jo.clarke")
    assert uri.startswith("otpauth://totp/Disclosure%20service:jo.clarke?")
    assert "<svg" in totp.qr_svg(uri)


def test_recovery_codes_are_random_readable_and_forgiving_to_type() -> None:
    codes = recovery.generate()
    assert len(set(codes)) == 10
    assert all(recovery.normalise(code) == code for code in codes)
    assert recovery.normalise(codes[0].upper().replace("-", "")) == codes[0]
    assert recovery.normalise("123456") is None
