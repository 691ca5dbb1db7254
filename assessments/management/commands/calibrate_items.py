"""``manage.py calibrate_items``: MML calibration of a response matrix from the command line.

A thin wrapper: reading, calibration and writing live in ``assessments.psychometrics``.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from assessments.psychometrics.irt import MODELS, CalibrationError, calibrate
from assessments.psychometrics.irt.quadrature import DEFAULT_POINTS
from assessments.psychometrics.tables import (
    TableError,
    parameter_rows,
    read_table,
    write_csv_atomically,
)


class Command(BaseCommand):
    help = (
        "Calibrate items by marginal maximum likelihood (Bock–Aitkin EM). RESPONSES.csv: one row "
        "per person, one column per item (0/1, or scores 0…K−1 for grm; blank = not presented), "
        "optional 'id' and 'weight' columns. Writes item,a,d,b,se_a,se_d in input order and "
        "prints a JSON summary as the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--responses", required=True, help="CSV of responses")
        parser.add_argument("--model", required=True, choices=MODELS)
        parser.add_argument(
            "--quadrature",
            type=int,
            default=DEFAULT_POINTS,
            help=f"quadrature points on [-6, 6] (at least 41; default {DEFAULT_POINTS})",
        )
        parser.add_argument("--out", required=True, help="CSV of item parameters to write")

    def handle(self, *args, **options):
        try:
            table = read_table(options["responses"], allow_blank=True)
            result = calibrate(
                table.values,
                table.columns,
                options["model"],
                weights=table.weights,
                quadrature_points=options["quadrature"],
            )
            header, rows = parameter_rows(
                result.params, result.se_a, result.se_d, numbered=options["model"] == "grm"
            )
            write_csv_atomically(options["out"], header, rows)
        except (TableError, CalibrationError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if not result.converged:
            self.stderr.write(
                f"Warning: EM did not converge in {result.iterations} cycles; "
                "treat these estimates with suspicion."
            )
        self.stdout.write(
            f"Calibrated {result.params.n_items} items ({result.model}) from "
            f"{result.n_persons:g} people in {result.iterations} EM cycles; "
            f"wrote {options['out']}."
        )
        summary = {
            "model": result.model,
            "loglik": result.loglik,
            "iterations": result.iterations,
            "converged": result.converged,
            "n": result.n_persons,
            "items": result.params.n_items,
            "quadrature": result.quadrature_points,
        }
        if result.model == "rasch":
            summary["latent_variance"] = result.latent_variance
            summary["se_latent_variance"] = result.se_latent_variance
        self.stdout.write(json.dumps(summary))
