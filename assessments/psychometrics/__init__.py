"""Shuzhi's psychometrics engine: a pure numpy/scipy core with no Django imports.

Kept free of the web framework (an import-linter contract enforces it) so that every formula can
be tested alone, run from the command line, and read by a psychometrician without knowing Django.

- ``ctt``: classical item analysis exactly as Moodle's quiz statistics report computes it;
  ``reliability`` (α, α-if-deleted, α per competency) and ``distractors`` add what Moodle lacks.
- ``irt``: 2PL, 1PL, Rasch and graded-response calibration by marginal maximum likelihood,
  EAP/MAP/WLE scoring, information, and linking of calibrations to an existing scale.
- ``cat``: adaptive test engine with content balancing, exposure control and an audit log.
- ``levels``: cut scores on θ, levels 1–5, and the modified-Angoff worksheet.
- ``tables``: reading and writing the CSV files of the command-line tools.

See docs/psychometrics.md for formulas, validation evidence and how calibrations are versioned.
"""
