"""The steps every scheme's case goes through before its decision, each an `ActionSpec` whole.

A scheme's definition picks the steps it uses (and, where a step takes them, its own words and
requirements); `schemes/` is where they are put together.
"""
