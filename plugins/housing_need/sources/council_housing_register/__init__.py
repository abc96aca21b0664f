"""Council housing-register extracts: monthly snapshots of each council's register (waiting list /
choice-based lettings) exported from its housing-management system, one row per application.
Personal data: archived encrypted, identifiers pseudonymised at load (application and person ids
keyed-hashed, names dropped, dates of birth to age bands, postcodes to districts), small counts
suppressed before marts.

Layouts and councils are configuration (:mod:`.layouts`: ``layouts/*.yaml``, ``councils.yaml``);
:mod:`.read` reads a snapshot in its council's layout. The bundled deployment's registers are
SYNTHETIC (``housing_need.synth.register``): no real register ships, and every file says so.

The spec is in :mod:`.source`; the bundled deployment's sample is generated on its first run
(``synthetic_sample``: the refresh hands the extract its writer, ``housing_need.synth.samples``).
The nationality code lists the layouts write are the feed's reference data (:mod:`.nationalities`).
"""

from .source import SOURCE

__all__ = ["SOURCE"]
