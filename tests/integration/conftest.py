"""Fixtures for the integration tests beyond the shared ones: a force that runs the DVDS too."""

from tests.dvds import dvds_force, dvds_officer, dvds_supervisor

__all__ = ["dvds_force", "dvds_officer", "dvds_supervisor"]
