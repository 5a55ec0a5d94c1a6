"""Initialisation: draw a population of groups and movements from the parameters.

All draws come from the generator passed in, in a fixed order, so a seed fixes the
population bit for bit. A scenario file (model.core.scenario) builds the same State by hand.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit

from model.mechanisms.identities import category_index, draw_sides, draw_traits
from model.numerics.libm import exp
from model.core.parameters import AXIS_NAMES, Params
from model.core.state import Contracts, State


def draw_population(params: Params, rng: np.random.Generator) -> State:
    """A random population following the parameters (ODD: Initialisation)."""
    n, k, t = params.n_groups, params.n_axes, params.n_traits
    u_master = rng.random(n)
    sides = draw_sides(params.faultline_alignment, params.dominated_share,
                       u_master, rng.random((n, k)), rng.random((n, k)))
    traits = draw_traits(params.faultline_alignment, params.trait_values,
                         u_master < params.dominated_share, rng.random((n, t)), rng.random((n, t)))
    salience = exp(params.salience_spread * rng.standard_normal(k))
    salience /= salience.sum()
    sizes = exp(params.size_inequality * rng.standard_normal(n))
    sizes /= sizes.sum()
    openness_base = expit(logit(params.openness_mean) + params.openness_spread * rng.standard_normal(n))
    resources = 1.0 + params.resource_gap * ((1.0 - sides) @ salience)

    m = params.n_movements
    axis_order = rng.permutation(k)
    movement_axis = axis_order[np.arange(m) % k] if m else np.zeros(0, dtype=np.int64)
    capacity = params.mediation_capacity * (0.5 + rng.random(m))
    root_draw = rng.random((m, n))
    in_constituency = sides[:, movement_axis].T == 1.0
    rootedness = np.minimum(1.0, params.rootedness * (0.5 + root_draw))
    rootedness = np.where(in_constituency, rootedness, params.dominant_rootedness * rootedness)
    tie_draw = rng.random((m, m))
    upper = np.triu(tie_draw < params.initial_tie_density, 1)
    ties = 0.5 * (upper | upper.T).astype(np.float64)

    return assemble_state(
        axis_names=AXIS_NAMES[:k], sides=sides, traits=traits, trait_values=params.trait_values,
        salience=salience, sizes=sizes, resources=resources, openness_base=openness_base,
        prejudice=params.initial_prejudice, contact_memory=params.contact_memory,
        movement_axis=movement_axis, movement_side=np.ones(m), capacity=capacity,
        rootedness=rootedness, ties=ties,
    )


def assemble_state(*, axis_names, sides, traits, trait_values, salience, sizes, resources,
                   openness_base, prejudice, contact_memory, movement_axis, movement_side,
                   capacity, rootedness, ties, openness=None, group_names=(),
                   movement_names=()) -> State:
    """Build a fresh State (no contact, no contracts yet) from its defining arrays."""
    n = len(sizes)
    categories, n_cat = category_index(sides, traits, trait_values)
    own = np.zeros((n, n_cat), dtype=bool)
    np.put_along_axis(own, categories, True, axis=1)
    attitudes = np.where(own, prejudice, -prejudice).astype(np.float64)
    return State(
        axis_names=tuple(axis_names),
        sides=np.asarray(sides, dtype=np.float64),
        traits=np.asarray(traits, dtype=np.int64).reshape(n, -1),
        categories=categories,
        n_categories=n_cat,
        salience=np.asarray(salience, dtype=np.float64),
        sizes=np.asarray(sizes, dtype=np.float64),
        resources=np.asarray(resources, dtype=np.float64),
        openness=np.array(openness_base if openness is None else openness, dtype=np.float64),
        openness_base=np.asarray(openness_base, dtype=np.float64),
        wariness=np.zeros(n),
        trust=np.zeros((n, n)),
        met=np.zeros((n, n), dtype=bool),
        attitudes=attitudes,
        contacts=np.full((n, contact_memory), -1, dtype=np.int64),
        contact_next=np.zeros(n, dtype=np.int64),
        movement_axis=np.asarray(movement_axis, dtype=np.int64),
        movement_side=np.asarray(movement_side, dtype=np.float64),
        capacity=np.asarray(capacity, dtype=np.float64),
        rootedness=np.asarray(rootedness, dtype=np.float64).reshape(len(capacity), n),
        ties=np.asarray(ties, dtype=np.float64),
        commons=1.0,
        contracts=Contracts(n),
        alliance=np.full(n, -1, dtype=np.int64),
        stable_alliance=np.full(n, -1, dtype=np.int64),
        group_names=tuple(group_names) or tuple(f"group {i}" for i in range(n)),
        movement_names=tuple(movement_names) or tuple(f"movement {i}" for i in range(len(capacity))),
    )
