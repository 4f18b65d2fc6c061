"""Applications under the disclosure scheme: the case record, its people and its stages."""
