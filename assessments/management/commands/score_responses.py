"""``manage.py score_responses``: θ and its standard error for each row of a response file."""

import json
import math

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from assessments.psychometrics.irt import ScoringError, score
from assessments.psychometrics.tables import (
    TableError,
    read_parameters,
    read_table,
    write_csv_atomically,
)

REPORTED_METHODS = ("eap", "map", "wle")  # ML is ±∞ for perfect patterns: not for reports


class Command(BaseCommand):
    help = (
        "Score people with calibrated items. RESPONSES.csv has item columns named as in "
        "PARAMS.csv (items left out count as not presented) and an optional 'id' column. "
        "Writes id,theta,se. For a Rasch calibration pass --prior-sd sqrt(latent_variance)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--params", required=True, help="CSV written by calibrate_items")
        parser.add_argument("--responses", required=True, help="CSV of responses")
        parser.add_argument("--method", required=True, choices=REPORTED_METHODS)
        parser.add_argument("--prior-mean", type=float, default=0.0, help="EAP/MAP prior mean")
        parser.add_argument("--prior-sd", type=float, default=1.0, help="EAP/MAP prior SD")
        parser.add_argument("--out", required=True, help="CSV of scores to write")

    def handle(self, *args, **options):
        try:
            params = read_parameters(options["params"])
            table = read_table(options["responses"], allow_blank=True)
            unknown = [c for c in table.columns if c not in params.names]
            if unknown:
                raise TableError(
                    f"{options['responses']}: column {unknown[0]!r} is not an item of "
                    f"{options['params']}"
                )
            responses = np.full((table.values.shape[0], params.n_items), np.nan)
            responses[:, params.index(table.columns)] = table.values
            scores = score(
                responses,
                params,
                options["method"],
                prior_mean=options["prior_mean"],
                prior_sd=options["prior_sd"],
            )
            ids = table.ids or tuple(str(i) for i in range(1, responses.shape[0] + 1))
            rows = zip(ids, scores.theta, scores.se, strict=True)
            write_csv_atomically(options["out"], ["id", "theta", "se"], rows)
        except (TableError, ScoringError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        finite = np.isfinite(scores.theta)
        self.stdout.write(
            f"Scored {responses.shape[0]} people by {options['method'].upper()}; "
            f"wrote {options['out']}."
        )
        summary = {
            "method": options["method"],
            "n": int(responses.shape[0]),
            "unscored": int((~finite).sum()),
            "mean_theta": float(scores.theta[finite].mean()) if finite.any() else None,
            "mean_se": float(scores.se[finite].mean()) if finite.any() else None,
        }
        self.stdout.write(json.dumps({k: v for k, v in summary.items() if not _nan(v)}))


def _nan(value):
    return isinstance(value, float) and math.isnan(value)
