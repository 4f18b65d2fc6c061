"""Clocks a force sets (their lengths per scheme, from a day on) and the daily digest of what falls due."""
