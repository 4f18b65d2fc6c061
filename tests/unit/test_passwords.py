from __future__ import annotations

import pytest

from disclosure_service.auth import passwords


@pytest.mark.parametrize(
    "password",
    [
        "three random words here",
        "Überall grüne Äpfel",
        "correct staple battery horse??",
        "tea " + "k" * 100,
    ],
)
def test_long_uncommon_passwords_are_accepted(password: str) -> None:
    assert passwords.problems(password) == []


def test_fourteen_characters_are_too_few_and_fifteen_enough() -> None:
    assert passwords.problems("m4rble-giraffe") != []
    assert passwords.problems("m4rble-giraffe!") == []


def test_128_characters_are_accepted_and_257_refused() -> None:
    words = "tiger lily pond otter crane moss fern heron slate quartz ember willow amber cobalt thistle"
    assert passwords.problems((words + " " + words)[:128]) == []
    assert passwords.problems("z" * 100 + "y" * 157) == ["Password must be 256 characters or fewer"]


@pytest.mark.parametrize(
    "password",
    ["passwordpassword", "Password1234567!", "qwertyuiopasdfgh", "123456789012345", "abababababababab"],
)
def test_common_and_patterned_passwords_are_refused(password: str) -> None:
    assert "too common" in passwords.problems(password)[0]


def test_the_service_force_and_username_are_refused() -> None:
    assert passwords.problems("my disclosure service pass") != []
    assert passwords.problems("west yorkshire police 2026", context_words=["West", "Yorkshire"]) != []
    assert passwords.problems("i am jo.clarke, hello", context_words=["jo.clarke"]) != []


async def test_passwords_are_never_truncated() -> None:
    long_password = "a long passphrase that keeps going " * 4
    stored = await passwords.hash_password(long_password)
    assert stored.startswith("$argon2id$")
    assert await passwords.verify_password(stored, long_password)
    assert not await passwords.verify_password(stored, long_password[:-1])
    assert not await passwords.verify_password(stored, long_password[:72])


async def test_no_stored_hash_never_verifies() -> None:
    assert not await passwords.verify_password(None, "anything at all here")
