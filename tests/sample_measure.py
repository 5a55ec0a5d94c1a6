"""A measure function for the engine's tests: extra outcomes and per-run records."""

import numpy as np


def measure(model):
    """The number of groups, the largest group's share, and one record per group."""
    sizes = np.asarray(model.state.sizes, dtype=float)
    return {"groups_measured": float(len(sizes)), "largest_group_share": sizes.max() / sizes.sum(),
            "records": {"group": np.arange(len(sizes)), "size": sizes}}


measure.outcomes = ("groups_measured", "largest_group_share")


def not_a_measure(model):
    return {}


def fails_when_instigated(model):
    """A measure that raises for runs with instigation above 0.5 (a run that fails)."""
    if model.params.instigation > 0.5:
        raise RuntimeError(f"instigation {model.params.instigation} is too much for this measure")
    return {"groups_measured": float(len(model.state.sizes))}


fails_when_instigated.outcomes = ("groups_measured",)
