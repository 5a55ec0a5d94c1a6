"""Pattern-oriented calibration of the model by ABC-SMC (pyabc): which parameter values let
the model reproduce the contact patterns of ``model/analysis/targets.toml`` at once.

Grimm et al. (2005) ask that a model be fitted to several patterns together rather than to one
number; approximate Bayesian computation by sequential Monte Carlo (pyABC; Klinger, Rickert
and Hasenauer 2018) does that without a likelihood, by simulating. The modules, each with one
job: ``priors`` (what is calibrated and over which ranges, ``priors.toml``), ``gaps`` (how far
a run's statistics lie from the targets, and the distance's scales), ``simulate`` (one
particle: parameters in, statistics out), ``settings`` (the full and quick variants), ``sampling``
(pyabc's samplers, local or Dask), ``pipeline`` (the run, its database and resuming),
``outputs`` (posterior, figure, predictive check, summary) and ``cli``
(``python -m experiments calibrate``). Nothing here imports pyabc until a calibration runs.
"""
