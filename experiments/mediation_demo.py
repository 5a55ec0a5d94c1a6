"""Demo experiment: does mediation outweigh divide-and-rule instigation?

A full grid of movements' mediation capacity against instigation pressure, a few replicates
each, recording whether a stable alliance forms. The mediation levels are dense below 0.3, where
(at 60 groups and 300 steps) the probability of a stable alliance climbs from 0 to 1. It gives ``python -m experiments run``,
``list`` and ``report`` something real to act on; its report draws the phase diagram of the
probability of a stable alliance.

    python -m experiments run mediation_demo --quick     # 2 x 2 x 2 tiny runs, seconds
    python -m experiments run mediation_demo             # 6 x 5 x 8 = 240 runs
    python -m experiments report mediation_demo
"""

from experiments.spec import Spec

SPEC = Spec(
    name="mediation_demo",
    description="mediation_capacity x instigation grid: probability of a stable alliance",
    design="grid",
    varied={
        "mediation_capacity": [0.0, 0.05, 0.1, 0.15, 0.2, 0.3],
        "instigation": [0.0, 0.25, 0.5, 0.75, 1.0],
    },
    fixed={"n_groups": 60},
    replicates=8,
    steps=300,
    outcomes=("stable_alliance_formed", "largest_stable_alliance_share", "renewal_share",
              "median_alliance_lifetime", "mean_contract_lifetime", "contracts_signed", "final_mean_trust",
              "final_hostility", "final_charter_coverage"),
    root_seed=20261123,
    quick={
        "varied": {"mediation_capacity": [0.0, 0.6], "instigation": [0.0, 1.0]},
        "fixed": {"n_groups": 15},
        "replicates": 2,
        "steps": 30,
    },
)
