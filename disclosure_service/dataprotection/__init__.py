"""Data protection over a record's whole life: retention review, disposal, subject access."""
