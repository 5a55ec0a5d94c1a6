"""The experiment engine: declared parameter sweeps of the alliance model.

``spec`` (what an experiment is), ``design`` (its run plan and seeds), ``runner`` (local
processes or Dask), ``store`` (atomic, resumable Parquet results), ``statistics`` (effect sizes,
probability grids, Sobol and Morris), ``report`` and ``cli`` (``python -m experiments``);
``catalog`` finds the declared experiments. An experiment's own analysis uses ``analysis``,
``style`` (the look of figures) and ``figures`` (saving them); what several experiments share
is in ``alliance_survival`` and ``sensitivity_setup``. See experiments/README.md.
"""
