"""AllianceModel: wires the mechanisms into one readable step (ODD: Process overview).

Every mechanism is a pure function over the state arrays (model/*.py); this module only
orders them, passes the step's random draws in, and records what happened.
"""

from __future__ import annotations

from functools import cached_property, partial

import mesa
import numpy as np

from model.analysis import components as alliances
from model.mechanisms import commons
from model.mechanisms import common_enemy
from model.mechanisms import contracts
from model.mechanisms import encounters
from model.mechanisms import instigation
from model.mechanisms import internal_power
from model.mechanisms import mediation
from model.mechanisms import movements
from model.mechanisms import encounter_outcomes as outcomes
from model.mechanisms import structural_change
from model.mechanisms import trust
from model.core.agents import Group, Movement
from model.core.draws import StepDraws, draw_step
from model.analysis.faultlines import faultline_strength
from model.mechanisms.identities import domination_table, identity_codes, mean_domination
from model.core.metrics import COUNTERS, METRICS, compute_metrics
from model.core.parameters import ECONOMIC_AXES, NATURE_AXIS, ParameterError, Params, validate
from model.core.population import draw_population
from model.core.scenario import load_scenario
from model.core.state import State


def _metric(model: "AllianceModel", name: str):
    return model.metrics[name]


class AllianceModel(mesa.Model):
    """Alliance formation between people's groups (see docs/ODD.md).

    Parameters are keyword arguments checked against ``model.core.parameters.SCHEMA``;
    ``seed`` (or ``rng``) fixes every draw. ``scenario`` (a path or a loaded
    ``model.core.scenario.Scenario``) replaces the random population with a hand-made one.
    """

    def __init__(self, seed=None, rng=None, scenario=None, **params):
        super().__init__(rng=seed if rng is None else rng)
        if scenario is not None:
            scenario = load_scenario(scenario) if not hasattr(scenario, "build") else scenario
            for name, value in params.items():
                if name in scenario.fixed and value != scenario.fixed[name]:
                    raise ParameterError(
                        f"parameter '{name}' = {value!r} is not allowed with scenario "
                        f"{scenario.name!r}: the scenario fixes it to {scenario.fixed[name]}")
            self.params: Params = validate({**scenario.parameters, **params, **scenario.fixed})
            self.state: State = scenario.build(self.params)
        else:
            self.params = validate(params)
            self.state = draw_population(self.params, self.rng)
        p, s = self.params, self.state
        self.time = 0
        self.n_encounters = max(1, int(round(p.encounter_rate * s.n)))
        self._side_index = encounters.side_index(s.sides)
        self._rooted = np.ascontiguousarray(s.rootedness.T)  # rootedness never changes
        self._codes = identity_codes(s.sides)  # nor do identities
        self._dom_table = domination_table(s.k, s.salience)
        self._economic_axes = np.array([s.axis_index(a) for a in ECONOMIC_AXES if a in s.axis_names],
                                       dtype=np.int64)
        self._nature_axis = s.axis_index(NATURE_AXIS)
        self._nature_side = (s.sides[:, self._nature_axis] == 1.0) if self._nature_axis >= 0 \
            else np.zeros(s.n, dtype=bool)  # dominated on the development-nature axis
        self._counts = dict.fromkeys(COUNTERS, 0)
        self._counted_steps = 0
        s.enemy = self.enemy_salience(0)
        self.largest_stable_size = 0
        self.largest_stable_share = 0.0
        self._alliance_version = s.contracts.version
        self._stable_version = s.contracts.renewed_version
        self._size_seen = 0  # contracts signed when alliances were last updated
        self._roots = self._stable_roots = None  # component roots the labels were made from
        self._forest = self._stable_forest = np.zeros(0, dtype=np.int64)  # their spanning forests' contract ids
        self.groups = [Group(self, i) for i in range(s.n)]
        self.movements = [Movement(self, m) for m in range(s.m)]
        self._base_domination = mean_domination(s.sides, s.salience, s.sizes)
        self.metrics = compute_metrics(s, self._counts, 0, self._codes, self._base_domination)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: partial(_metric, name=name) for name in METRICS})
        self.datacollector.collect(self)

    # -- the step ------------------------------------------------------------------
    def step(self) -> None:
        """One step: draw the step's random numbers, then advance the state with them."""
        self.advance(draw_step(self.rng, self.n_encounters))

    def advance(self, draws: StepDraws) -> None:
        """Advance one step with the given draws (ODD: Process overview and scheduling)."""
        self.time += 1
        t = self.time
        enemy = self.state.enemy = self.enemy_salience(t)
        i, j = self.sample_encounters(draws)
        mediated = self.mediate(i, j, draws.mediate)
        outcome, t_ij, t_ji = self.judge(i, j, mediated, draws.outcome)
        first = ~self.state.met[i, j]
        self.update_trust(i, j, outcome, t_ij, t_ji)
        self.update_internal_power(i, j, outcome, first)
        self.update_contracts(i, j, outcome, t, enemy)
        self.update_commons()
        self.update_movement_ties(i, j, outcome, mediated)
        self.update_alliances()
        self.count(mediated, outcome)
        if t % self.params.collect_every == 0:
            self.collect()

    # -- mechanisms, in step order --------------------------------------------------
    def enemy_salience(self, t: int) -> float:
        p = self.params
        if not p.enable_common_enemy:
            return 0.0
        return common_enemy.enemy_salience(p.enemy_schedule, p.enemy_salience, p.enemy_onset,
                                           p.enemy_fade_time, p.enemy_duration, t)

    def sample_encounters(self, d: StepDraws) -> tuple[np.ndarray, np.ndarray]:
        p, s = self.params, self.state
        if p.enable_encounter_bias:
            modes = encounters.encounter_modes(d.mode, p.domination_bias, p.contact_bias)
        else:
            modes = np.zeros(d.n, dtype=np.int64)
        i, j = encounters.sample_encounters(s.n, s.sides, *self._side_index, s.contacts,
                                            d.initiator, modes, d.axis, d.pick)
        encounters.remember_contacts(s.contacts, s.contact_next, i, j)
        return i, j

    def mediate(self, i, j, u) -> np.ndarray:
        p, s = self.params, self.state
        if not p.enable_mediation or s.m == 0:
            return np.zeros(len(i), dtype=bool)
        strength = mediation.mediation_strength(self._rooted, s.capacity, s.ties, i, j)
        return u < mediation.mediation_probability(strength, p.mediation_reach)

    def judge(self, i, j, mediated, u):
        """Context and outcome of each encounter, from the start-of-step state."""
        p, s = self.params, self.state
        t_ij, t_ji = outcomes.pair_trusts(s.trust, s.met, s.attitudes, s.categories, i, j)
        dom_sym = self.effective_domination(i, j)
        mean_trust = 0.5 * (t_ij + t_ji)
        p_v = outcomes.virtuous_probability(s.openness[i], s.openness[j], mean_trust, dom_sym,
                                            outcomes.cultural_similarity(s.traits, i, j), p)
        pressure = self.instigation_pressure(i, j) if p.enable_instigation else np.zeros(len(i))
        scarcity = commons.scarcity(s.commons) if p.enable_commons else 0.0
        p_h = outcomes.hostile_probability(pressure, scarcity, dom_sym, mean_trust, p)
        return outcomes.classify(mediated, p_v, p_h, u), t_ij, t_ji

    def effective_domination(self, i, j) -> np.ndarray:
        """D_ij + D_ji, each reduced by the mitigation of their active contract, if any."""
        c = self.state.contracts
        return structural_change.effective_domination(
            i, j, self._codes, self._dom_table, c.lookup(i, j), c.active_ids, c.live("a"),
            c.live("mit_ab"), c.live("mit_ba"))

    def instigation_pressure(self, i, j) -> np.ndarray:
        p, s = self.params, self.state
        return instigation.instigation_pressure(i, j, s.alliance, s.sizes, p.instigation, p.instigation_mode)

    def update_trust(self, i, j, outcome, t_ij, t_ji) -> None:
        p, s = self.params, self.state
        ratio = p.negativity_bias if p.enable_negativity_bias else 1.0
        d_ij = trust.trust_changes(t_ij, outcome, p.trust_gain, ratio)
        d_ji = trust.trust_changes(t_ji, outcome, p.trust_gain, ratio)
        trust.apply_trust(s.trust, s.met, i, j, t_ij, t_ji, d_ij, d_ji)
        if p.enable_secondary_transfer:
            both_i, both_j = np.concatenate([i, j]), np.concatenate([j, i])
            trust.transfer_to_attitudes(s.attitudes, s.categories, both_i, both_j,
                                        np.concatenate([d_ij, d_ji]), p.secondary_transfer)

    def update_internal_power(self, i, j, outcome, first) -> None:
        p, s = self.params, self.state
        change = internal_power.openness_changes(s.openness, i, j, outcome, first, p,
                                                 p.enable_internal_impacts, p.enable_backlash)
        s.openness = internal_power.apply_openness(s.openness, change)
        if p.enable_entrenchment:
            s.openness = internal_power.entrench(s.openness, s.openness_base, p.entrenchment_rate)

    def update_contracts(self, i, j, outcome, t: int, enemy: float) -> None:
        """Structural change, economy, punctuation (renew or lapse), then new contracts.

        A pair whose contract lapsed at this punctuation cannot sign again in the same step.
        """
        p, s = self.params, self.state
        c = s.contracts
        a, b, dom_ab, dom_ba, mit_ab, mit_ba, interdependence = c.live_columns(
            "a", "b", "dom_ab", "dom_ba", "mit_ab", "mit_ba", "interdependence")
        s.resources, due = contracts.upkeep(
            a, b, dom_ab, dom_ba, mit_ab, mit_ba, c.live("complementarity"), interdependence,
            c.live("due"), s.openness, s.trust, s.resources, t, p.enable_structural_change,
            p.enable_lip_service, p.enable_economic_articulation, p.mitigation_rate,
            p.lip_service_rate, p.interdependence_rate, p.economic_gain, p.resource_decay)
        just_lapsed = np.zeros(0, dtype=np.int64)
        if len(due):
            ok = contracts.renewal_ok(
                due, a, b, dom_ab, dom_ba, mit_ab, mit_ba, interdependence, c.live("shares_enemy"),
                s.trust, p.renewal_threshold, p.interdependence_weight,
                common_enemy.threshold_relief(p.enemy_effect, enemy, 1.0), p.renewal_max_domination)
            lapsed = due[~ok]
            just_lapsed = a[lapsed] * s.n + b[lapsed]
            contracts.renew(c, due[ok], t, p.contract_term)
            contracts.lapse(c, lapsed, t, s.trust, p.lapse_cost)
            self._counts["renewed"] += int(ok.sum())
            self._counts["lapsed"] += int((~ok).sum())
        if p.enable_contracts:
            a, b = contracts.virtuous_pairs(i, j, outcome, s.n)
            fresh = c.lookup(a, b) < 0
            if len(just_lapsed):
                fresh &= contracts.not_in(a * s.n + b, just_lapsed)
            a, b = a[fresh], b[fresh]
            if len(a) == 0:
                return
            terms = contracts.pair_terms(a, b, s.sides, s.salience, self._economic_axes,
                                         p.enemy_axis, self._nature_axis)
            relief = common_enemy.threshold_relief(p.enemy_effect, enemy, terms["shares_enemy"])
            signs = contracts.mutual_trust(s.trust, a, b) >= p.contract_threshold - relief
            if np.any(signs):
                contracts.sign(c, a[signs], b[signs], t, p.contract_term,
                               {k: v[signs] for k, v in terms.items()})
                self._counts["signed"] += int(signs.sum())

    def update_commons(self) -> None:
        p, s = self.params, self.state
        if not p.enable_commons:
            return
        voice = commons.voice(s.n, *s.contracts.live_columns(
            "a", "b", "mit_ab", "mit_ba", "nature_voice_ab", "nature_voice_ba"))
        take = commons.extraction(s.sizes, self._nature_side, voice, p.extraction_rate,
                                  p.nature_side_extraction, p.voice_effect)
        s.resources = s.resources + p.harvest_value * take * s.commons
        s.commons = commons.regrow(s.commons, p.commons_regrowth, float(take.sum()))

    def update_movement_ties(self, i, j, outcome, mediated) -> None:
        p, s = self.params, self.state
        if not p.enable_movement_dynamics or s.m < 2:
            return
        ok = mediated & (outcome == outcomes.VIRTUOUS)
        credit = movements.joint_mediation(self._rooted, s.capacity, i[ok], j[ok])
        s.ties = movements.update_ties(s.ties, credit, p.tie_reinforcement,
                                       p.convergence_space, p.tie_decay)

    def update_alliances(self) -> None:
        """Alliances are components of active contracts; recomputed only when contracts
        changed (stable alliances: when the set of active, renewed contracts changed).

        A spanning forest of each contract graph is kept. Ending a contract outside it
        changes no component, so unless a forest contract ended, the components are updated
        from their previous roots with the new contracts alone (the same result); otherwise
        the union starts again, from the surviving forest. Labels are a function of the
        roots, so they are relabelled only when the roots changed."""
        p, s = self.params, self.state
        c = s.contracts
        a, b = c.live("a"), c.live("b")
        ended, fresh = c.take_ended(), c.take_first_renewed()
        size, self._size_seen = self._size_seen, c.size
        if c.version != self._alliance_version:
            self._alliance_version = c.version
            if self._roots is None or not alliances.forest_intact(self._forest, ended):
                roots, self._forest = alliances.roots_after_removal(s.n, a, b, c.active_ids,
                                                                    self._forest)
            else:
                new = slice(c.positions(size), None)  # live ids are ascending: the newest last
                roots, joined = alliances.spanning_forest(s.n, a[new], b[new], self._roots)
                self._forest = np.concatenate([self._forest, c.active_ids[new][joined]])
            if self._roots is None or not np.array_equal(roots, self._roots):
                s.alliance = alliances.labels_from_roots(roots)
            self._roots = roots
        if c.renewed_version == self._stable_version:
            return
        self._stable_version = c.renewed_version
        if self._stable_roots is None or not alliances.forest_intact(self._stable_forest, ended):
            renewed = c.live("renewals") > 0
            roots, self._stable_forest = alliances.roots_after_removal(
                s.n, a[renewed], b[renewed], c.active_ids[renewed], self._stable_forest)
        elif len(fresh) == 0:
            return  # only renewed contracts outside the forest ended: the same components
        else:
            new = c.positions(fresh)
            roots, joined = alliances.spanning_forest(s.n, a[new], b[new], self._stable_roots)
            self._stable_forest = np.sort(np.concatenate([self._stable_forest, fresh[joined]]))
        if self._stable_roots is not None and np.array_equal(roots, self._stable_roots):
            return
        self._stable_roots = roots
        s.stable_alliance = alliances.big_enough(
            alliances.labels_from_roots(roots, p.stable_alliance_min_size),
            s.sizes, p.stable_alliance_min_share)
        if np.any(s.stable_alliance >= 0):
            largest = int(np.bincount(s.stable_alliance[s.stable_alliance >= 0]).max())
            self.largest_stable_size = max(self.largest_stable_size, largest)
            share = float(alliances.alliance_shares(s.stable_alliance, s.sizes).max())
            self.largest_stable_share = max(self.largest_stable_share, share)

    # -- recording ---------------------------------------------------------------------
    def count(self, mediated, outcome) -> None:
        k = self._counts
        k["encounters"] += len(outcome)
        k["mediated"] += int(np.count_nonzero(mediated))
        hostile, neutral, virtuous = outcomes.tally(outcome)
        k["virtuous"] += virtuous
        k["hostile"] += hostile
        k["neutral"] += neutral
        self._counted_steps += 1

    def collect(self) -> None:
        """Compute the metrics and hand them to Mesa's DataCollector; reset the counters."""
        self.metrics = compute_metrics(self.state, self._counts, self._counted_steps, self._codes,
                                       self._base_domination)
        self.datacollector.collect(self)
        self._counts = dict.fromkeys(COUNTERS, 0)
        self._counted_steps = 0

    @cached_property
    def faultline_strength(self) -> float:
        """Faultline strength of the population (average silhouette width, Meyer and Glenz 2013)."""
        return faultline_strength(self.state.sides, self.state.traits)

    @property
    def stable_alliance_formed(self) -> bool:
        """Headline outcome: a stable alliance (see model.analysis.components) existed at some step."""
        return self.largest_stable_size > 0

    def run(self, steps: int) -> "AllianceModel":
        for _ in range(steps):
            self.step()
        return self

