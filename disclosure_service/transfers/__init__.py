"""Across forces on the same service: a case transferred to another force, and a check asked of one.

Nothing else crosses the boundary. The runtime role may read only the rows its own force is a party
to, and every write into another force goes through a SECURITY DEFINER function that checks it
(docs/security.md, decision 21).
"""
