"""DCLG Citizenship Survey microdata (England and Wales, 2001-2011, discontinued; successor the
Community Life Survey): one file per wave as the UK Data Service distributes it, SPSS ``.sav`` with
variable and value labels, or a zip of a tab-delimited file and its data dictionary. Licensed
microdata: archived encrypted, respondent serial numbers keyed-hashed at load, quarantine and gate
messages carry no values, and only weighted estimates of cells of 50 or more respondents reach the
BI marts (docs/survey-weighting.md).

Waves are configuration (:mod:`.waves`: ``waves/*.yaml``, the variable names and codes of each wave
mapped to canonical ones); :mod:`.read` reads a wave in either format. The bundled deployment's
waves are SYNTHETIC (``housing_need.synth.survey``): the microdata cannot ship, and every file says so.
"""

from .source import SOURCE

__all__ = ["SOURCE"]
