"""Measures that take any data (``model/analysis/``), not only the model's.

``components`` (alliances as union-find components of a contract graph), ``polarisation``
(trust moments, the hostility threshold and the model's one-pass trust summary),
``persistence`` and ``survival`` (alliance lifetimes, Kaplan-Meier),
``parametric_survival`` (Weibull and log-logistic fits with censoring: does the hazard rise
with age?), ``faultlines`` (faultline strength) with ``faultline_data`` (declared column types
and weights of data from elsewhere), ``landscape`` (Axelrod-Bennett landscape theory) with
``landscape_exact`` (exact minima for up to four coalitions), ``balance`` (the frustration
index of signed networks) and ``landscape_files`` (its CSV readers), and ``table_files`` (the
CSV reader of the command line, ``python -m model.analysis``); ``input_errors`` holds
InputError, raised for unusable data by every module behind that command line. The layer
imports only ``model.numerics``, numpy, scipy and pandas, never ``model.core`` or ``model.mechanisms``; the figures are in
``model.plots`` and the landscape command line in ``model.landscape``.
"""
