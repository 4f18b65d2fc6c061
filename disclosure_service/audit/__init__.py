"""The audit trail (DPA 2018 s.62): append-only, hash-chained, written in the transaction it logs."""
