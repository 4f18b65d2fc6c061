"""Statistics and oversight: the figures a unit, its supervisors and the Home Office need."""
