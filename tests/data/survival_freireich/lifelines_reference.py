"""Regenerate lifelines_reference.csv: lifelines' Weibull and log-logistic fits of the
remission times, the reference tests/test_parametric_survival.py checks the project's fits
against.

lifelines declares pandas < 3 and the project runs on pandas 3, so lifelines is not a
dependency; to regenerate, in a separate environment:
``pip install lifelines pandas && python tests/data/survival_freireich/lifelines_reference.py``.
"""

import warnings
from pathlib import Path

import lifelines
import pandas as pd
from lifelines import LogLogisticFitter, WeibullFitter

HERE = Path(__file__).parent
FITTERS = {"weibull": (WeibullFitter, "lambda_", "rho_"),
           "log-logistic": (LogLogisticFitter, "alpha_", "beta_")}

data = pd.read_csv(HERE / "remission.csv")
rows = []
for arm, group in data.groupby("arm", sort=True):
    for model, (fitter, scale, shape) in FITTERS.items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit = fitter().fit(group["weeks"].to_numpy(float), group["relapsed"].to_numpy(bool))
        se = fit.summary["se(coef)"]
        rows.append(dict(arm=arm, model=model, scale=getattr(fit, scale), shape=getattr(fit, shape),
                         scale_se=se[scale], shape_se=se[shape],
                         log_likelihood=fit.log_likelihood_, aic=fit.AIC_,
                         lifelines_version=lifelines.__version__))
pd.DataFrame(rows).to_csv(HERE / "lifelines_reference.csv", index=False, float_format="%.10g")
