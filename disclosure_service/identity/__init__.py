"""Who is who: forces, their staff and roles, and the principal a signed-in request acts as.

The lowest layer of the service: every area may use it, and it uses none of them.
"""
