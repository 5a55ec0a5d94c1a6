"""AllianceModel: wires the mechanisms into one readable step (ODD: Process overview).

Every mechanism is a pure function of arrays in ``model/mechanisms/``; this module only
orders them, hands them the state, the step's random draws and the parameters they use
(by their schema names), decides which are switched on, and records what happened.
"""

from __future__ import annotations

from functools import cached_property, partial
from pathlib import Path

import mesa
import numpy as np

from model.analysis.faultlines import faultline_strength
from model.core import network_export, snapshot
from model.core.agents import Group, Movement
from model.core.alliances import AllianceTracker
from model.core.collection import AllianceDataCollector
from model.core.draws import StepDraws, draw_step
from model.core.metrics import COUNTERS, METRICS, compute_metrics
from model.core.parameters import (ECONOMIC_AXES, NATURE_AXIS, SCHEMA_BY_NAME, ParameterError,
                                   Params, check_seed, show, unwrap,
                                   validate)
from model.core.population import draw_population
from model.core.resources import check_memory, check_steps
from model.core.scenario import load_scenario
from model.core.state import State
from model.mechanisms import (common_enemy, commons, contracts, economy, encounter_outcomes,
                              encounters, instigation, internal_power, mediation, movements,
                              structural_change, trust)
from model.mechanisms.identities import domination_table, identity_codes, mean_domination


def _metric(model: "AllianceModel", name: str):
    """One metric of the last collection (a model reporter of the DataCollector)."""
    return model.metrics[name]


def check_step_count(steps, field: str = "steps") -> int:
    """A number of steps to take: a whole number >= 0 within the step limit."""
    steps = unwrap(steps)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 0:
        raise ParameterError(f"'{field}' = {show(steps)} is not allowed: expected a whole "
                             "number >= 0")
    return check_steps(steps, field)


class AllianceModel(mesa.Model):
    """Alliance formation between people's groups (see docs/ODD.md).

    Parameters are keyword arguments checked against ``model.core.parameters.SCHEMA``;
    ``seed`` (or ``rng``) fixes every draw. ``scenario`` (a path or a loaded
    ``model.core.scenario.Scenario``) replaces the random population with a hand-made one.
    ``collect_agents=True`` also records each group's openness, resources, wariness and
    alliance at every collection (``datacollector.get_agent_vars_dataframe()``); it is off by
    default because it costs a pass over every group per collection, and it is not a
    parameter: it changes what is recorded, never what happens. ``mesa.batch_run`` reads
    the DataCollector's row k as step k, so it needs ``collect_every`` = 1 (the default) and
    refuses any other value with the reason (``model.core.collection``).
    """

    # ``**kwargs``, not ``**params``: Mesa's SolaraViz accepts any keyword only under that name.
    def __init__(self, seed=None, rng=None, scenario=None, collect_agents=False, **kwargs):
        params = kwargs
        if not isinstance(collect_agents, bool):
            raise ParameterError(f"'collect_agents' = {collect_agents!r} is not allowed: "
                                 "true or false")
        if rng is None:
            rng = check_seed(seed)
        elif not isinstance(rng, (np.random.Generator, np.random.BitGenerator,
                                  np.random.SeedSequence)):
            rng = check_seed(rng, "rng")
        super().__init__(rng=rng)
        if scenario is not None:
            scenario = load_scenario(scenario) if not hasattr(scenario, "build") else scenario
            for name, value in params.items():
                if name in scenario.fixed and \
                        SCHEMA_BY_NAME[name].coerce(value) != scenario.fixed[name]:
                    raise ParameterError(
                        f"parameter '{name}' = {value!r} is not allowed with scenario "
                        f"{scenario.name!r}: the scenario fixes it to {scenario.fixed[name]}")
            self.params: Params = validate({**scenario.parameters, **params, **scenario.fixed})
            check_memory(self.params.n_groups)
            self.state: State = scenario.build(self.params)
        else:
            self.params = validate(params)
            check_memory(self.params.n_groups)
            self.state = draw_population(self.params, self.rng)
        p, s = self.params, self.state
        if s.contracts.size:
            raise ValueError("a model starts from a state without contracts")
        s.contracts.milestone = p.stable_alliance_min_renewals
        self.time = 0
        self.n_encounters = max(1, int(round(p.encounter_rate * s.n)))
        self._side_index = encounters.side_index(s.sides)
        self._activity = encounters.activity_cdf(
            s.sizes, p.size_activity if p.enable_encounter_bias else 0.0)
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
        self.observers: list = []
        """Told of each step's encounters after trust moved, as ``observe(i, j, mediated,
        outcome, d_ij, d_ji)``: recorders such as model.core.contact_record, never rules."""
        s.enemy = self.enemy_salience(0)
        self.alliances = AllianceTracker()
        self.groups = [Group(self, i) for i in range(s.n)]
        self.movements = [Movement(self, m) for m in range(s.m)]
        self._base_domination = mean_domination(s.sides, s.salience, s.sizes)
        self.metrics = compute_metrics(s, self._counts, 0, self._codes, self._base_domination)
        self.datacollector = AllianceDataCollector(
            {name: partial(_metric, name=name) for name in METRICS}, p.collect_every,
            groups=collect_agents)
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
        d_ij, d_ji = self.update_trust(i, j, outcome, t_ij, t_ji, first)
        for observe in self.observers:
            observe(i, j, mediated, outcome, d_ij, d_ji)
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
        """The common enemy's salience at step t (0 with the mechanism off)."""
        p = self.params
        if not p.enable_common_enemy:
            return 0.0
        return common_enemy.salience_at(t, p.enemy_schedule, p.enemy_salience, p.enemy_onset,
                                        p.enemy_fade_time, p.enemy_duration)

    def sample_encounters(self, d: StepDraws) -> tuple[np.ndarray, np.ndarray]:
        """Who meets whom this step (initiators, partners), remembered as contacts."""
        p, s = self.params, self.state
        if p.enable_encounter_bias:
            modes = encounters.encounter_modes(d.mode, p.domination_bias, p.contact_bias)
        else:
            modes = np.zeros(d.n, dtype=np.int64)
        i, j = encounters.sample_encounters(s.n, s.sides, *self._side_index, s.contacts,
                                            d.initiator, modes, d.axis, d.pick, self._activity)
        encounters.remember_contacts(s.contacts, s.contact_next, i, j)
        return i, j

    def mediate(self, i, j, u) -> np.ndarray:
        """Which encounters movements mediate."""
        p, s = self.params, self.state
        if not p.enable_mediation or s.m == 0:
            return np.zeros(len(i), dtype=bool)
        strength = mediation.mediation_strength(self._rooted, s.capacity, s.ties, i, j)
        return u < mediation.mediation_probability(strength, p.mediation_reach)

    def judge(self, i, j, mediated, u):
        """Context and outcome of each encounter, from the start-of-step state; also the
        trust (or, before a first meeting, the expectation) each side brought to it."""
        p, s = self.params, self.state
        t_ij, t_ji = trust.pair_trusts(s.trust, s.met, s.attitudes, s.categories, i, j)
        domination = self.effective_domination(i, j)
        similarity = encounter_outcomes.cultural_similarity(s.traits, i, j)
        pressure = self.instigation_pressure(i, j) if p.enable_instigation else np.zeros(len(i))
        scarcity = (commons.felt_scarcity(commons.scarcity(s.commons), s.resources, i, j)
                    if p.enable_commons else np.zeros(len(i)))
        bond = common_enemy.enemy_bond(s.sides, i, j, p.enemy_axis, s.enemy)
        eta = encounter_outcomes.propensity(
            s.openness[i], s.openness[j], 0.5 * (t_ij + t_ji), domination, similarity, pressure,
            scarcity, bond, mediated, p.openness_weight, p.trust_weight, p.bond,
            p.domination_weight, p.cultural_similarity_weight, p.instigation_weight,
            p.scarcity_weight, p.enemy_solidarity, p.mediation_effect, p.imposition_weight)
        return encounter_outcomes.classify(eta, p.virtuous_base, p.hostility_base, u), t_ij, t_ji

    def effective_domination(self, i, j) -> np.ndarray:
        """D_ij + D_ji, each reduced by the mitigation of their active contract, if any."""
        c = self.state.contracts
        party_a, mit_ab, mit_ba = c.live_columns("a", "mit_ab", "mit_ba")
        return structural_change.effective_domination(
            i, j, self._codes, self._dom_table, c.lookup(i, j), c.active_ids, party_a, mit_ab,
            mit_ba)

    def instigation_pressure(self, i, j) -> np.ndarray:
        """Divide-and-rule pressure on each encounter."""
        p, s = self.params, self.state
        return instigation.instigation_pressure(i, j, s.alliance, s.sizes, p.instigation,
                                                p.instigation_mode)

    def update_trust(self, i, j, outcome, t_ij, t_ji, first) -> tuple[np.ndarray, np.ndarray]:
        """Trust moves with each outcome; the change spills over to category attitudes.

        Prejudice is a prior: it shaped the first encounter's odds, but what a group learns
        starts from a neutral 0 at the first meeting. Returns each encounter's change of i's
        trust in j and of j's in i (before clipping)."""
        p, s = self.params, self.state
        ratio = p.negativity_bias if p.enable_negativity_bias else 1.0
        wary = p.enable_wariness
        t_ij, t_ji = trust.learned(t_ij, first), trust.learned(t_ji, first)
        d_ij = trust.trust_changes(t_ij, outcome, p.trust_gain, ratio,
                                   1.0 - s.wariness[i] if wary else 1.0)
        d_ji = trust.trust_changes(t_ji, outcome, p.trust_gain, ratio,
                                   1.0 - s.wariness[j] if wary else 1.0)
        trust.apply_trust(s.trust, s.met, i, j, t_ij, t_ji, d_ij, d_ji)
        if wary:
            s.wariness = trust.wariness_after(s.wariness, i, j, outcome, p.wariness_gain,
                                              p.wariness_heal)
        if p.enable_secondary_transfer:
            both_i, both_j = np.concatenate([i, j]), np.concatenate([j, i])
            trust.transfer_to_attitudes(s.attitudes, s.categories, both_i, both_j,
                                        np.concatenate([d_ij, d_ji]), p.secondary_transfer)
        return d_ij, d_ji

    def update_internal_power(self, i, j, outcome, first) -> None:
        """Power shifts inside groups after their encounters, then entrenchment."""
        p, s = self.params, self.state
        impacts = p.enable_internal_impacts
        change = internal_power.openness_changes(
            s.openness, i, j, outcome, first,
            p.opening_rate if impacts else 0.0, p.rally_rate if impacts else 0.0,
            p.backlash_rate if p.enable_backlash else 0.0)
        s.openness = internal_power.apply_openness(s.openness, change)
        if p.enable_entrenchment:
            s.openness = internal_power.entrench(s.openness, s.openness_base, p.entrenchment_rate)

    def update_contracts(self, i, j, outcome, t: int, enemy: float) -> None:
        """Inside every active contract: structural change or lip service, and the economy;
        then the contracts due now renew or lapse; then trusting pairs sign new ones.

        A pair whose contract lapsed at this punctuation cannot sign again in the same step.
        """
        p, s = self.params, self.state
        c = s.contracts
        (a, b, dom_ab, dom_ba, mit_ab, mit_ba, complementarity, interdependence,
         shares_enemy) = c.live_columns("a", "b", "dom_ab", "dom_ba", "mit_ab", "mit_ba",
                                        "complementarity", "interdependence", "shares_enemy")
        if p.enable_structural_change:
            structural_change.mitigate(a, b, dom_ab, dom_ba, mit_ab, mit_ba, interdependence,
                                       shares_enemy, enemy, s.openness, s.trust, s.resources,
                                       p.mitigation_rate, p.mitigation_cost)
        if p.enable_lip_service:
            structural_change.lip_service(s.trust, a, b, dom_ab, dom_ba, mit_ab, mit_ba,
                                          p.lip_service_rate)
        if p.enable_economic_articulation:
            economy.grow_interdependence(interdependence, complementarity, p.interdependence_rate)
            s.resources = s.resources + economy.gains(s.n, a, b, complementarity, p.economic_gain)
        s.resources = economy.consume(s.resources, p.resource_decay)
        lapsed = self.punctuate(t, enemy)
        if p.enable_contracts:
            self.sign_contracts(i, j, t, enemy, lapsed)

    def punctuate(self, t: int, enemy: float) -> np.ndarray:
        """Contracts due at step t renew or lapse (a lapse costs trust); returns the pair keys
        (a * N + b) of those that lapsed."""
        p, s = self.params, self.state
        c = s.contracts
        rows = contracts.due(c.live("due"), t)
        if len(rows) == 0:
            return rows
        a, b, interdependence, shares_enemy = c.live_columns("a", "b", "interdependence",
                                                             "shares_enemy")
        ok = contracts.renewal_ok(rows, a, b, interdependence, shares_enemy, s.trust,
                                  p.renewal_threshold, p.interdependence_weight,
                                  common_enemy.threshold_relief(p.enemy_effect, enemy, 1.0))
        lapsed = rows[~ok]
        keys = a[lapsed] * s.n + b[lapsed]
        c.renew(rows[ok], t, t + p.contract_term)
        if len(lapsed):
            contracts.lapse_penalty(s.trust, a[lapsed], b[lapsed], p.lapse_cost)
            c.end(c.active_ids[lapsed], t)
        self._counts["renewed"] += int(ok.sum())
        self._counts["lapsed"] += int((~ok).sum())
        return keys

    def sign_contracts(self, i, j, t: int, enemy: float, lapsed: np.ndarray) -> None:
        """Pairs that met this step, however it went, with no active contract, no lapse this
        step and enough mutual trust (less while a common enemy is salient) sign a contract."""
        p, s = self.params, self.state
        c = s.contracts
        a, b = contracts.met_pairs(i, j, s.n)
        mutual = contracts.mutual_trust(s.trust, a, b)
        # Pairs below the threshold even at the enemy's full relief cannot sign: skip them
        # before the lookups and the terms.
        fresh = mutual >= p.contract_threshold - common_enemy.threshold_relief(
            p.enemy_effect, enemy, 1.0)
        fresh[fresh] = c.lookup(a[fresh], b[fresh]) < 0
        if len(lapsed):
            fresh[fresh] = contracts.not_in(a[fresh] * s.n + b[fresh], lapsed)
        a, b, mutual = a[fresh], b[fresh], mutual[fresh]
        if len(a) == 0:
            return
        terms = contracts.pair_terms(a, b, s.sides, s.salience, self._economic_axes,
                                     p.enemy_axis, self._nature_axis)
        relief = common_enemy.threshold_relief(p.enemy_effect, enemy, terms["shares_enemy"])
        signs = mutual >= p.contract_threshold - relief
        if np.any(signs):
            c.add(a=a[signs], b=b[signs], start=t, due=t + p.contract_term, first_renewal=-1,
                  qualified=-1,
                  ended=-1, **{k: v[signs] for k, v in terms.items()})
            self._counts["signed"] += int(signs.sum())

    def update_commons(self) -> None:
        """Groups harvest the commons (less with nature's voice in their alliances); it regrows."""
        p, s = self.params, self.state
        if not p.enable_commons:
            return
        voice = commons.voice(s.n, *s.contracts.live_columns(
            "a", "b", "mit_ab", "mit_ba", "nature_voice_ab", "nature_voice_ba"))
        take = commons.extraction(s.sizes, self._nature_side, voice, p.extraction_rate,
                                  p.nature_side_extraction, p.voice_effect)
        s.resources = commons.harvest(s.resources, take, s.sizes, s.commons, p.harvest_value)
        s.commons = commons.regrow(s.commons, p.commons_regrowth, float(take.sum()))

    def update_movement_ties(self, i, j, outcome, mediated) -> None:
        """Ties between movements that mediated virtuous encounters together strengthen;
        all decay."""
        p, s = self.params, self.state
        if not p.enable_movement_dynamics or s.m < 2:
            return
        ok = mediated & (outcome == encounter_outcomes.VIRTUOUS)
        credit = movements.joint_mediation(self._rooted, s.capacity, i[ok], j[ok])
        s.ties = movements.update_ties(s.ties, credit, p.tie_reinforcement,
                                       p.convergence_space, p.tie_decay)

    def update_alliances(self) -> None:
        """Alliances and stable alliances after this step's contract changes."""
        p = self.params
        self.alliances.update(self.state, p.stable_alliance_min_size, p.stable_alliance_min_share)

    # -- recording ---------------------------------------------------------------------
    def count(self, mediated, outcome) -> None:
        """Add this step's encounters to the event counters of the collection interval."""
        k = self._counts
        k["encounters"] += len(outcome)
        k["mediated"] += int(np.count_nonzero(mediated))
        hostile, neutral, virtuous = encounter_outcomes.tally(outcome)
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
    def largest_stable_size(self) -> int:
        """Groups in the largest stable alliance seen so far (0 if none)."""
        return self.alliances.largest_stable_size

    @property
    def largest_stable_share(self) -> float:
        """Population share of the largest stable alliance seen so far (0 if none)."""
        return self.alliances.largest_stable_share

    @property
    def stable_alliance_formed(self) -> bool:
        """Headline outcome: a stable alliance (see model.analysis.components) existed at some step."""
        return self.largest_stable_size > 0

    def run(self, steps: int) -> "AllianceModel":
        """Take ``steps`` steps; returns the model, so ``AllianceModel(...).run(n)`` reads well.

        ``steps`` is a whole number from 0 to the step limit (model.core.resources.max_steps),
        checked before the first step so that a mistyped count never runs for days."""
        for _ in range(check_step_count(steps)):
            self.step()
        return self

    # -- files ---------------------------------------------------------------------------
    def save(self, path) -> Path:
        """Write the run to ``path`` (model.core.snapshot) so that ``load`` resumes it exactly."""
        return snapshot.save(self, path)

    @classmethod
    def load(cls, path) -> "AllianceModel":
        """A run saved with ``save``, ready to step on as if it had never stopped."""
        return snapshot.load(path, cls)

    def to_networkx(self):
        """The alliance network now, as a networkx Graph (model.core.network_export)."""
        return network_export.to_networkx(self)
