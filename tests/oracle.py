"""A per-encounter reference implementation of one model step (test-only oracle).

``Oracle.step(draws)`` advances a copy of the state exactly as ``AllianceModel.advance(draws)``
is meant to, but written the plain way: one encounter, one contract, one group at a time,
with Python loops and ``math``. It does not call the mechanism functions of ``model/``; it
was written from their docstrings and the design note (docs/design_note.md section 4), so agreement
between the two is evidence that the vectorised step does what it says.

numpy arrays are used as storage only (read and written element by element); the only
project imports are the state containers, the parameter schema and the draw layout.

Step order (as in ``AllianceModel.advance``): enemy salience -> encounters (sampling, then
contact memory) -> mediation -> outcomes judged from the start-of-step state -> trust
(+ secondary transfer to attitudes) -> openness -> contracts (mitigation, lip service,
economy and resource decay, renew or lapse of due contracts, signing) -> commons ->
movement ties -> alliances.
"""

from __future__ import annotations

import math

import numpy as np

from model.core.draws import StepDraws, draw_step
from model.core.parameters import ECONOMIC_AXES, NATURE_AXIS, Params
from model.core.state import State

HOSTILE, NEUTRAL, VIRTUOUS = -1, 0, 1
UNIFORM, DOMINATION, CONTACT = 0, 1, 2
HARDLINER_LED = 0.5   # a group is hardliner-led when openness < 0.5 (ODD, internal power)
TIE_PRESENT = 0.2     # a movement tie counts as present above this strength
COUNTERS = ("encounters", "mediated", "virtuous", "hostile", "neutral",
            "signed", "renewed", "lapsed")
"""Event counts kept like the model's (summed over all steps here, never reset)."""
EDITED = ("mit_ab", "mit_ba", "interdependence", "renewals", "first_renewal", "qualified", "due",
          "ended")
"""Contract columns the oracle changes by hand (through ``Contracts.edit``)."""
EVENTS = ("domination_fallback", "contact_fallback", "first_meetings", "backlash",
          "instigation_targeted", "mitigated", "declined", "imposition", "lapsed_pair_kept_out")
"""Extra diagnostics, so a test can check that a comparison exercised a code path."""


def _expit(x: float) -> float:
    """Logistic function, computed without overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _clip(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


class Oracle:
    """Plain-Python twin of ``AllianceModel``'s step, on its own copy of the state.

    Parameters
    ----------
    state : the state to start from (copied, never modified).
    params : the validated parameters of the model.
    time : steps already taken (the step counter of the model the state was copied from).
    largest_stable_size : the headline record so far (0 for a fresh model).
    """

    def __init__(self, state: State, params: Params, time: int = 0, largest_stable_size: int = 0):
        self.state = state.copy()
        self.params = params
        self.time = time
        self.largest_stable_size = largest_stable_size
        self.largest_stable_share = 0.0
        self.counts = dict.fromkeys(COUNTERS, 0)
        self.events = dict.fromkeys(EVENTS, 0)
        self.last_outcomes: list[int] = []
        s = self.state
        n, k = s.n, s.k
        # Fixed attributes of groups and movements, read once into Python lists.
        self.sides = [[int(s.sides[g, a]) for a in range(k)] for g in range(n)]
        self.traits = [[int(s.traits[g, q]) for q in range(s.traits.shape[1])] for g in range(n)]
        self.categories = [[int(s.categories[g, c]) for c in range(s.categories.shape[1])]
                           for g in range(n)]
        self.salience = [float(s.salience[a]) for a in range(k)]
        self.sizes = [float(s.sizes[g]) for g in range(n)]
        self.capacity = [float(s.capacity[m]) for m in range(s.m)]
        self.rootedness = [[float(s.rootedness[m, g]) for g in range(n)] for m in range(s.m)]
        # Groups on each side of each axis, in ascending index (pools of domination ties).
        self.side_pool = [[[g for g in range(n) if self.sides[g][a] == side] for side in (0, 1)]
                          for a in range(k)]
        self.economic_axes = [s.axis_names.index(name) for name in ECONOMIC_AXES
                              if name in s.axis_names]
        self.nature_axis = s.axis_names.index(NATURE_AXIS) if NATURE_AXIS in s.axis_names else -1
        # Cumulative shares of the encounters each group starts (empty: every group alike).
        self.activity: list[float] = []
        if params.size_activity != 0 and params.enable_encounter_bias:
            weights = [self.sizes[g] ** params.size_activity for g in range(n)]
            total = float(np.sum(weights))  # numpy's sum, as the model divides by it
            running = 0.0
            for w in weights:
                running += w
                self.activity.append(running / total)

    # -- small readings of the state -------------------------------------------------
    def domination(self, i: int, j: int) -> float:
        """D_ij: salience-weighted share of axes with i dominant (0) and j dominated (1)."""
        si, sj = self.sides[i], self.sides[j]
        total = 0.0
        for a in range(len(si)):
            if si[a] == 0 and sj[a] == 1:
                total += self.salience[a]
        return total

    def expected_trust(self, i: int, j: int) -> float:
        """Mean of i's attitudes toward the categories of j."""
        att = self.state.attitudes
        cats = self.categories[j]
        total = 0.0
        for c in cats:
            total += float(att[i, c])
        return total / len(cats)

    def pair_trust(self, i: int, j: int) -> float:
        s = self.state
        if s.met[i, j]:
            return float(s.trust[i, j])
        return self.expected_trust(i, j)

    def active_contracts(self) -> list[int]:
        ended = self.state.contracts.ended
        return [c for c in range(len(ended)) if ended[c] < 0]

    def active_pairs(self) -> dict[tuple[int, int], int]:
        """Active contract of each unordered pair, keyed by (min, max)."""
        c = self.state.contracts
        return {(int(c.a[x]), int(c.b[x])): x for x in self.active_contracts()}

    def enemy_salience(self, t: int) -> float:
        p = self.params
        if not p.enable_common_enemy:
            return 0.0
        if p.enemy_schedule == "constant":
            return p.enemy_salience
        if p.enemy_schedule == "fading":
            if t < p.enemy_onset:
                return p.enemy_salience
            return p.enemy_salience * math.exp(-(t - p.enemy_onset) / p.enemy_fade_time)
        if p.enemy_schedule == "pulse":
            return p.enemy_salience if p.enemy_onset <= t < p.enemy_onset + p.enemy_duration else 0.0
        raise ValueError(p.enemy_schedule)

    # -- the step --------------------------------------------------------------------
    def step(self, d: StepDraws) -> None:
        """Advance one step with the given draws, in the order of ``AllianceModel.advance``."""
        p, s = self.params, self.state
        self.time += 1
        t = self.time
        enemy = s.enemy = self.enemy_salience(t)
        # Start-of-step readings shared by every encounter (synchronous update).
        self._pairs_at_start = self.active_pairs()
        self._instigation_target = self._find_instigation_target()
        self._ties = [[float(s.ties[m, q]) for q in range(s.m)] for m in range(s.m)]
        pairs = self.sample_encounters(d)
        self.remember_contacts(pairs)
        mediated = [self.is_mediated(i, j, float(d.mediate[e])) for e, (i, j) in enumerate(pairs)]
        judged = [self.judge(i, j, mediated[e], float(d.outcome[e])) for e, (i, j) in enumerate(pairs)]
        outcome = [o for o, _, _ in judged]
        first = [not bool(s.met[i, j]) for i, j in pairs]
        self.events["first_meetings"] += sum(first)
        self.update_trust(pairs, judged)
        self.update_openness(pairs, outcome, first)
        self.update_contracts(pairs, outcome, t, enemy)
        if p.enable_commons:
            self.update_commons()
        if p.enable_movement_dynamics and s.m >= 2:
            self.update_ties(pairs, outcome, mediated)
        self.update_alliances()
        self.last_outcomes = outcome
        k = self.counts
        k["encounters"] += len(pairs)
        k["mediated"] += sum(mediated)
        k["virtuous"] += outcome.count(VIRTUOUS)
        k["hostile"] += outcome.count(HOSTILE)
        k["neutral"] += outcome.count(NEUTRAL)

    # 1. encounters ----------------------------------------------------------------
    def sample_encounters(self, d: StepDraws) -> list[tuple[int, int]]:
        """Initiator from u_init; partner along a domination tie, a contact slot, or uniform.

        A uniform partner is the (floor(u_pick (n-1)))-th group after the initiator, cyclically;
        a domination-tie partner the floor(u_pick * count)-th group (ascending index) on the
        other side of axis floor(u_axis K); a contact partner is slot floor(u_pick L) of the
        initiator's memory. An empty pool (no group on the other side, an empty slot) falls
        back to the uniform partner with the same u_pick.
        """
        p, s = self.params, self.state
        n, k = s.n, s.k
        slots = s.contacts.shape[1]
        pairs = []
        for e in range(d.n):
            u_pick = float(d.pick[e])
            i = self.initiator(float(d.initiator[e]))
            mode = UNIFORM
            if p.enable_encounter_bias:
                u_mode = float(d.mode[e])
                if u_mode < p.domination_bias:
                    mode = DOMINATION
                elif u_mode < p.domination_bias + p.contact_bias:
                    mode = CONTACT
            j = (i + 1 + min(int(u_pick * (n - 1)), n - 2)) % n
            if mode == DOMINATION:
                axis = min(int(float(d.axis[e]) * k), k - 1)
                pool = self.side_pool[axis][1 - self.sides[i][axis]]
                if pool:
                    j = pool[min(int(u_pick * len(pool)), len(pool) - 1)]
                else:
                    self.events["domination_fallback"] += 1
            elif mode == CONTACT:
                partner = int(s.contacts[i, min(int(u_pick * slots), slots - 1)])
                if partner >= 0:
                    j = partner
                else:
                    self.events["contact_fallback"] += 1
            pairs.append((i, j))
        return pairs

    def initiator(self, u: float) -> int:
        """floor(u N) when every group is alike (size_activity 0, or the encounter bias off);
        else the first group whose cumulative share of size ** size_activity exceeds u."""
        n = self.state.n
        if not self.activity:
            return min(int(u * n), n - 1)
        for g in range(n - 1):
            if u < self.activity[g]:
                return g
        return n - 1

    def remember_contacts(self, pairs) -> None:
        """Each group that met anyone writes its last partner of the step into its ring."""
        s = self.state
        last: dict[int, int] = {}
        for i, j in pairs:
            last[i] = j   # initiator first, then partner
            last[j] = i
        slots = s.contacts.shape[1]
        for g, partner in last.items():
            slot = int(s.contact_next[g])
            s.contacts[g, slot] = partner
            s.contact_next[g] = (slot + 1) % slots

    # 2. mediation -------------------------------------------------------------------
    def strength(self, i: int, j: int) -> float:
        """S = sum_m c_m r_mi r_mj + sum_m sum_n c_m r_mi W_mn c_n r_nj."""
        cap, root, ties = self.capacity, self.rootedness, self._ties
        m_count = len(cap)
        direct = 0.0
        for m in range(m_count):
            direct += cap[m] * root[m][i] * root[m][j]
        tied = 0.0
        for m in range(m_count):
            ci = cap[m] * root[m][i]
            if ci == 0.0:
                continue
            inner = 0.0
            for q in range(m_count):
                inner += ties[m][q] * (cap[q] * root[q][j])
            tied += ci * inner
        return direct + tied

    def is_mediated(self, i: int, j: int, u: float) -> bool:
        p, s = self.params, self.state
        if not p.enable_mediation or s.m == 0:
            return False
        return u < 1.0 - math.exp(-p.mediation_reach * self.strength(i, j))

    # 3. context and outcome ----------------------------------------------------------
    def effective_domination(self, i: int, j: int) -> float:
        """D_ij (1 - mu_ij) + D_ji (1 - mu_ji), mu from their active contract (0 without)."""
        d_ij, d_ji = self.domination(i, j), self.domination(j, i)
        key = (min(i, j), max(i, j))
        x = self._pairs_at_start.get(key)
        if x is not None:
            c = self.state.contracts
            if i == key[0]:
                mit_ij, mit_ji = float(c.mit_ab[x]), float(c.mit_ba[x])
            else:
                mit_ij, mit_ji = float(c.mit_ba[x]), float(c.mit_ab[x])
            d_ij *= 1.0 - mit_ij
            d_ji *= 1.0 - mit_ji
        return d_ij + d_ji

    def instigation(self, i: int, j: int) -> float:
        p, s = self.params, self.state
        if not p.enable_instigation:
            return 0.0
        target = self._instigation_target
        if p.instigation_mode == "uniform" or target is None:
            return p.instigation
        label, _ = target
        members = sum(1 for g in range(s.n) if int(s.alliance[g]) == label)
        touched = 1.0 - (1.0 - members / s.n) ** 2
        if int(s.alliance[i]) == label or int(s.alliance[j]) == label:
            self.events["instigation_targeted"] += 1
            return min(1.0, p.instigation / touched)
        return 0.0

    def _find_instigation_target(self):
        """Largest alliance by population share (first label on ties), or None."""
        s = self.state
        shares: dict[int, float] = {}
        for g in range(s.n):
            label = int(s.alliance[g])
            if label >= 0:
                shares[label] = shares.get(label, 0.0) + self.sizes[g]
        if not shares:
            return None
        best = None
        for label in sorted(shares):
            if best is None or shares[label] > shares[best]:
                best = label
        return best, shares[best]

    def similarity(self, i: int, j: int) -> float:
        ti, tj = self.traits[i], self.traits[j]
        if not ti:
            return 0.0
        same = sum(1 for q in range(len(ti)) if ti[q] == tj[q])
        return 2.0 * (same / len(ti)) - 1.0

    def judge(self, i: int, j: int, mediated: bool, u: float):
        """Outcome of one encounter from the start-of-step state, and both pair trusts.

        Ordered logit: eta from the context (+ mediation's shift, less imposition);
        hostile if u < expit(hostility_base - eta), virtuous if u >= 1 - expit(virtuous_base
        + eta), neutral otherwise."""
        p, s = self.params, self.state
        t_ij, t_ji = self.pair_trust(i, j), self.pair_trust(j, i)
        dom = self.effective_domination(i, j)
        mean_trust = 0.5 * (t_ij + t_ji)
        scarcity = 0.0
        if p.enable_commons:
            buffer = 1.0 + 0.5 * (float(s.resources[i]) + float(s.resources[j]))
            scarcity = (1.0 - s.commons) / buffer
        both_targets = self.sides[i][p.enemy_axis] == 1 and self.sides[j][p.enemy_axis] == 1
        enemy = s.enemy if both_targets else 0.0
        eta = (p.openness_weight * (float(s.openness[i]) + float(s.openness[j]) - 1.0)
               + p.trust_weight * mean_trust + p.bond
               + p.cultural_similarity_weight * self.similarity(i, j)
               + p.enemy_solidarity * enemy - p.domination_weight * dom
               - p.instigation_weight * self.instigation(i, j) - p.scarcity_weight * scarcity)
        if mediated:
            eta += p.mediation_effect - p.imposition_weight * dom
            if p.mediation_effect - p.imposition_weight * dom < 0:
                self.events["imposition"] += 1
        if u < _expit(p.hostility_base - eta):
            return HOSTILE, t_ij, t_ji
        if u >= 1.0 - _expit(p.virtuous_base + eta):
            return VIRTUOUS, t_ij, t_ji
        return NEUTRAL, t_ij, t_ji

    # 4. trust and attitudes ----------------------------------------------------------
    def trust_change(self, t: float, outcome: int, wariness: float) -> float:
        p = self.params
        if outcome == VIRTUOUS:
            ceiling = 1.0 - wariness if p.enable_wariness else 1.0
            return p.trust_gain * max(0.0, ceiling - t)
        if outcome == HOSTILE:
            ratio = p.negativity_bias if p.enable_negativity_bias else 1.0
            return -min(1.0, ratio * p.trust_gain) * (1.0 + t)
        return 0.0

    def update_trust(self, pairs, judged) -> None:
        """First meetings start from the expectation; all changes of the step add up; clip."""
        p, s = self.params, self.state
        trust, met = s.trust, s.met
        # Learning starts from the remembered trust, or from 0 at a first meeting (the
        # prior only shaped the outcome).
        judged = [(o, t_ij if met[i, j] else 0.0, t_ji if met[j, i] else 0.0)
                  for (i, j), (o, t_ij, t_ji) in zip(pairs, judged)]
        deltas = []
        for (i, j), (outcome, t_ij, t_ji) in zip(pairs, judged):
            deltas.append((self.trust_change(t_ij, outcome, float(s.wariness[i])),
                           self.trust_change(t_ji, outcome, float(s.wariness[j]))))
        for (i, j), (_, t_ij, _) in zip(pairs, judged):
            trust[i, j] = t_ij
        for (i, j), (_, _, t_ji) in zip(pairs, judged):
            trust[j, i] = t_ji
        for i, j in pairs:
            met[i, j] = True
            met[j, i] = True
        # Accumulate in the order (i -> j changes of every encounter), then (j -> i ones).
        for (i, j), (d_ij, _) in zip(pairs, deltas):
            trust[i, j] = float(trust[i, j]) + d_ij
        for (i, j), (_, d_ji) in zip(pairs, deltas):
            trust[j, i] = float(trust[j, i]) + d_ji
        for i, j in pairs:
            trust[i, j] = _clip(float(trust[i, j]), -1.0, 1.0)
            trust[j, i] = _clip(float(trust[j, i]), -1.0, 1.0)
        if p.enable_wariness:
            # Each hostile encounter moves both groups wariness_gain toward 1; all fade.
            w = s.wariness
            for (i, j), (outcome, _, _) in zip(pairs, judged):
                if outcome == HOSTILE:
                    w[i] = float(w[i]) + p.wariness_gain * (1.0 - float(w[i]))
                    w[j] = float(w[j]) + p.wariness_gain * (1.0 - float(w[j]))
            for g in range(s.n):
                w[g] = (1.0 - p.wariness_heal) * float(w[g])
        if not p.enable_secondary_transfer:
            return
        att = s.attitudes
        moves = [(i, j, d_ij) for (i, j), (d_ij, _) in zip(pairs, deltas)]
        moves += [(j, i, d_ji) for (i, j), (_, d_ji) in zip(pairs, deltas)]
        for who, whom, delta in moves:
            own, theirs = self.categories[who], self.categories[whom]
            for c in range(len(theirs)):
                if theirs[c] != own[c]:
                    att[who, theirs[c]] = float(att[who, theirs[c]]) + p.secondary_transfer * delta
        for g in {who for who, _, _ in moves}:
            for c in range(att.shape[1]):
                att[g, c] = _clip(float(att[g, c]), -1.0, 1.0)

    # 5. internal power ---------------------------------------------------------------
    def update_openness(self, pairs, outcome, first) -> None:
        p, s = self.params, self.state
        o_start = [float(x) for x in s.openness]
        total = [0.0] * s.n
        sides_of_encounters = [(i, e) for e, (i, _) in enumerate(pairs)]
        sides_of_encounters += [(j, e) for e, (_, j) in enumerate(pairs)]
        for g, e in sides_of_encounters:
            o = o_start[g]
            change = 0.0
            if p.enable_internal_impacts:
                if outcome[e] == VIRTUOUS:
                    change += p.opening_rate * (1.0 - o)
                elif outcome[e] == HOSTILE:
                    change -= p.rally_rate * o
            if p.enable_backlash and outcome[e] == NEUTRAL and first[e] and o < HARDLINER_LED:
                change -= p.backlash_rate * o
                self.events["backlash"] += 1
            total[g] += change
        for g in range(s.n):
            o = _clip(o_start[g] + total[g], 0.0, 1.0)
            if p.enable_entrenchment:
                o = o + p.entrenchment_rate * (float(s.openness_base[g]) - o)
            s.openness[g] = o

    # 6-9. contracts, structural change, economy, common enemy -------------------------
    def update_contracts(self, pairs, outcome, t: int, enemy: float) -> None:
        p, s = self.params, self.state
        c = s.contracts
        w = dict(zip(EDITED, c.edit(*EDITED)))  # writable history columns
        trust = s.trust
        active = self.active_contracts()
        for x in active:
            a, b = int(c.a[x]), int(c.b[x])
            if p.enable_structural_change:
                # The dominant side decides, a's side first: the open faction weighs what the
                # contract brings, the hardliners the price; it also has to be able to pay.
                enemy_part = enemy if c.shares_enemy[x] else 0.0
                for dom_key, mit_key, giver, taker in (("dom_ab", "mit_ab", a, b),
                                                       ("dom_ba", "mit_ba", b, a)):
                    dom, mit = float(getattr(c, dom_key)[x]), float(w[mit_key][x])
                    if dom <= 0:
                        continue
                    o = float(s.openness[giver])
                    value = 0.5 * (1.0 + float(trust[giver, taker])) + float(w["interdependence"][x]) + enemy_part
                    step = p.mitigation_rate * o * (1.0 - mit)
                    price = p.mitigation_cost * dom * step
                    if o * value >= (1.0 - o) * p.mitigation_cost * dom and float(s.resources[giver]) >= price:
                        w[mit_key][x] = mit + step
                        s.resources[giver] = float(s.resources[giver]) - price
                        s.resources[taker] = float(s.resources[taker]) + price
                        self.events["mitigated"] += 1
                    else:
                        self.events["declined"] += 1
            if p.enable_lip_service:
                # The dominated party's trust in the dominant one erodes, never below -1.
                trust[b, a] = max(float(trust[b, a]) - p.lip_service_rate * c.dom_ab[x] * (1.0 - c.mit_ab[x]), -1.0)
                trust[a, b] = max(float(trust[a, b]) - p.lip_service_rate * c.dom_ba[x] * (1.0 - c.mit_ba[x]), -1.0)
        gain = [0.0] * s.n
        if p.enable_economic_articulation:
            for x in active:
                comp = float(c.complementarity[x])
                w["interdependence"][x] = (c.interdependence[x]
                                        + p.interdependence_rate * comp * (1.0 - c.interdependence[x]))
            for x in active:
                gain[int(c.a[x])] += p.economic_gain * float(c.complementarity[x])
            for x in active:
                gain[int(c.b[x])] += p.economic_gain * float(c.complementarity[x])
        for g in range(s.n):
            s.resources[g] = (float(s.resources[g]) + gain[g]) * (1.0 - p.resource_decay)

        # Punctuation: every active contract due now is renewed or lapses.
        due = [x for x in range(c.size) if c.ended[x] < 0 and c.due[x] == t]
        decisions = []
        for x in due:
            a, b = int(c.a[x]), int(c.b[x])
            relief = p.enemy_effect * enemy if c.shares_enemy[x] else 0.0
            threshold = p.renewal_threshold - p.interdependence_weight * float(c.interdependence[x]) - relief
            mutual = min(float(trust[a, b]), float(trust[b, a]))
            decisions.append(mutual >= threshold)
        for x, ok in zip(due, decisions):
            a, b = int(c.a[x]), int(c.b[x])
            if ok:
                w["renewals"][x] += 1
                if c.first_renewal[x] < 0:
                    w["first_renewal"][x] = t
                if w["renewals"][x] == p.stable_alliance_min_renewals:
                    w["qualified"][x] = t
                w["due"][x] = t + p.contract_term
                self.counts["renewed"] += 1
            else:
                w["ended"][x] = t
                trust[a, b] = float(trust[a, b]) - p.lapse_cost * (1.0 + float(trust[a, b]))
                trust[b, a] = float(trust[b, a]) - p.lapse_cost * (1.0 + float(trust[b, a]))
                self.counts["lapsed"] += 1
        if due:
            c.reindex()

        if not p.enable_contracts:
            return
        existing = self.active_pairs()
        lapsed_now = {(int(c.a[x]), int(c.b[x])) for x, ok in zip(due, decisions) if not ok}
        met_now = sorted({(min(i, j), max(i, j)) for i, j in pairs})
        new = {name: [] for name in ("a", "b", "dom_ab", "dom_ba", "complementarity", "shares_enemy",
                                     "nature_voice_ab", "nature_voice_ba")}
        for a, b in met_now:
            if (a, b) in existing:
                continue
            if (a, b) in lapsed_now:
                self.events["lapsed_pair_kept_out"] += 1
                continue
            sa, sb = self.sides[a], self.sides[b]
            shares_enemy = sa[p.enemy_axis] == 1 and sb[p.enemy_axis] == 1
            relief = p.enemy_effect * enemy if shares_enemy else 0.0
            if min(float(trust[a, b]), float(trust[b, a])) < p.contract_threshold - relief:
                continue
            if self.economic_axes:
                differ = sum(1 for ax in self.economic_axes if sa[ax] != sb[ax])
                comp = differ / len(self.economic_axes)
            else:
                comp = 0.0
            nat = self.nature_axis
            new["a"].append(a)
            new["b"].append(b)
            new["dom_ab"].append(self.domination(a, b))
            new["dom_ba"].append(self.domination(b, a))
            new["complementarity"].append(comp)
            new["shares_enemy"].append(shares_enemy)
            new["nature_voice_ab"].append(nat >= 0 and sa[nat] == 0 and sb[nat] == 1)
            new["nature_voice_ba"].append(nat >= 0 and sb[nat] == 0 and sa[nat] == 1)
        count = len(new["a"])
        if count:
            c.add(**{name: np.array(col) for name, col in new.items()},
                  start=np.full(count, t), due=np.full(count, t + p.contract_term),
                  renewals=np.zeros(count, dtype=np.int64), first_renewal=np.full(count, -1),
                  qualified=np.full(count, -1),
                  ended=np.full(count, -1), mit_ab=np.zeros(count), mit_ba=np.zeros(count),
                  interdependence=np.zeros(count))
            c.reindex()
            self.counts["signed"] += count

    # 10. commons -----------------------------------------------------------------------
    def update_commons(self) -> None:
        p, s = self.params, self.state
        c = s.contracts
        voice = [0.0] * s.n
        for x in self.active_contracts():
            if c.nature_voice_ab[x]:
                a = int(c.a[x])
                voice[a] = max(voice[a], float(c.mit_ab[x]))
            if c.nature_voice_ba[x]:
                b = int(c.b[x])
                voice[b] = max(voice[b], float(c.mit_ba[x]))
        level = s.commons
        total = 0.0
        for g in range(s.n):
            on_nature_side = self.nature_axis >= 0 and self.sides[g][self.nature_axis] == 1
            factor = p.nature_side_extraction if on_nature_side else 1.0
            take = p.extraction_rate * self.sizes[g] * factor * (1.0 - p.voice_effect * voice[g])
            s.resources[g] = float(s.resources[g]) + p.harvest_value * (take / self.sizes[g]) * level
            total += take
        s.commons = level + p.commons_regrowth * level * (1.0 - level) - total * level

    # 11. movement of movements ------------------------------------------------------------
    def update_ties(self, pairs, outcome, mediated) -> None:
        p, s = self.params, self.state
        cap, root = self.capacity, self.rootedness
        m_count = s.m
        x = [[0.0] * m_count for _ in range(m_count)]
        for e, (i, j) in enumerate(pairs):
            if not (mediated[e] and outcome[e] == VIRTUOUS):
                continue
            for m in range(m_count):
                ci = cap[m] * root[m][i]
                for q in range(m_count):
                    x[m][q] += ci * (cap[q] * root[q][j])
        ties = s.ties
        for m in range(m_count):
            for q in range(m_count):
                credit = 0.0 if m == q else x[m][q] + x[q][m]
                w = float(ties[m, q])
                rate = p.tie_reinforcement if w > TIE_PRESENT else p.convergence_space
                ties[m, q] = w * (1.0 - p.tie_decay) + (1.0 - w) * (1.0 - math.exp(-rate * credit))

    # 12. alliances --------------------------------------------------------------------------
    def components(self, edges, min_size: int, min_share: float = 0.0) -> list[int]:
        """Component labels (ordered by smallest member); -1 for components below min_size
        groups or below min_share of the population."""
        n = self.state.n
        parent = list(range(n))

        def find(x):
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in edges:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        roots = [find(g) for g in range(n)]
        size: dict[int, int] = {}
        for r in roots:
            size[r] = size.get(r, 0) + 1
        share: dict[int, float] = {}
        for g, r in enumerate(roots):
            share[r] = share.get(r, 0.0) + float(self.state.sizes[g])
        labels = {}
        for r in sorted(size):
            if size[r] >= max(min_size, 2) and share[r] >= min_share - 1e-12:
                labels[r] = len(labels)
        return [labels.get(r, -1) for r in roots]

    def update_alliances(self) -> None:
        """Recomputed every step (the model recomputes only when contracts changed)."""
        p, s = self.params, self.state
        c = s.contracts
        active = self.active_contracts()
        alliance = self.components([(int(c.a[x]), int(c.b[x])) for x in active], 2)
        stable = self.components([(int(c.a[x]), int(c.b[x])) for x in active
                                  if c.renewals[x] >= p.stable_alliance_min_renewals],
                                 p.stable_alliance_min_size, p.stable_alliance_min_share)
        for g in range(s.n):
            s.alliance[g] = alliance[g]
            s.stable_alliance[g] = stable[g]
        sizes: dict[int, int] = {}
        for label in stable:
            if label >= 0:
                sizes[label] = sizes.get(label, 0) + 1
        if sizes:
            self.largest_stable_size = max(self.largest_stable_size, max(sizes.values()))
            shares: dict[int, float] = {}
            for g, label in enumerate(stable):
                if label >= 0:
                    shares[label] = shares.get(label, 0.0) + float(s.sizes[g])
            self.largest_stable_share = max(self.largest_stable_share, max(shares.values()))


def run_oracle(model, n_steps: int, rng: np.random.Generator) -> Oracle:
    """The Oracle started from ``model``'s current state, after ``n_steps`` steps.

    Draws come from ``rng`` exactly as ``AllianceModel.step`` would draw them; the model
    itself is not advanced.
    """
    oracle = Oracle(model.state, model.params, time=model.time,
                    largest_stable_size=model.largest_stable_size)
    for _ in range(n_steps):
        oracle.step(draw_step(rng, model.n_encounters))
    return oracle
