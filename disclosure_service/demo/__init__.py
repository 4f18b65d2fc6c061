"""Demo data: an invented force, its staff and cases shaped like the scenarios a unit sees."""
