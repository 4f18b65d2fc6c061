"""Quality review of decisions: each month a share of "no disclosure" outcomes, withheld-after-refusal
reviews and authorisations is drawn, reproducibly, for a second supervisor to review."""
