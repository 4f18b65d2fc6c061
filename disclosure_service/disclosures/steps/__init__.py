"""The steps after a decision to disclose, in the order of the guidance, each an `ActionSpec` whole:
the meeting, the undertaking signed or refused, the review of a refusal, the disclosure made, the
applicant told, the case closed, and what is recorded after."""
