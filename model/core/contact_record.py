"""Per-group tallies of a run's encounters, for the contact patterns of intergroup-contact
research (``model.analysis.contact_patterns``).

A recorder is opt-in: it attaches itself to a model's ``observers``, which the step tells of
each step's encounters after trust has moved. It reads and never writes, so a run with one
gives the same numbers as a run without, and a run without one pays nothing.
"""

from __future__ import annotations

import numpy as np

from model.analysis.contact_patterns import GroupContacts
from model.mechanisms.encounter_outcomes import HOSTILE, VIRTUOUS
from model.mechanisms.trust import pair_trusts


class ContactRecorder:
    """Counts, per group, the encounters it took part in (mediated or not, virtuous or
    hostile) and sums the changes of its trust they made."""

    def __init__(self, model):
        n = model.state.n
        self._state = model.state
        self.mediated = np.zeros(n)
        self.unmediated = np.zeros(n)
        self.positive = np.zeros(n)
        self.negative = np.zeros(n)
        self.change_mediated = np.zeros(n)
        self.change_unmediated = np.zeros(n)
        model.observers.append(self)

    def __call__(self, i, j, mediated, outcome, d_ij, d_ji) -> None:
        """Add one step's encounters: each counts for both groups, and i's trust change
        toward j (``d_ij``) for i, j's toward i for j."""
        n = len(self.mediated)
        groups = np.concatenate([i, j])
        med = np.concatenate([mediated, mediated])
        out = np.concatenate([outcome, outcome])
        change = np.concatenate([d_ij, d_ji])
        self.mediated += np.bincount(groups[med], minlength=n)
        self.unmediated += np.bincount(groups[~med], minlength=n)
        self.positive += np.bincount(groups[out == VIRTUOUS], minlength=n)
        self.negative += np.bincount(groups[out == HOSTILE], minlength=n)
        self.change_mediated += np.bincount(groups[med], weights=change[med], minlength=n)
        self.change_unmediated += np.bincount(groups[~med], weights=change[~med], minlength=n)

    def record(self) -> GroupContacts:
        """The tallies so far with each group's trust in the other groups as a whole: the
        mean, over every other group, of its trust if they met and its expectation (from
        attitudes) if not. Surveys of intergroup contact measure attitudes toward the
        outgroup, not toward the members one happened to meet (Pettigrew and Tropp 2006), so
        a group that never met anyone still has one. Groups that met nobody are left out:
        contact did nothing for them to measure."""
        s = self._state
        n = s.n
        i, j = np.divmod(np.arange(n * n, dtype=np.int64), n)
        other = i != j
        t_ij, _ = pair_trusts(s.trust, s.met, s.attitudes, s.categories, i[other], j[other])
        trust = t_ij.reshape(n, n - 1).mean(axis=1) if n > 1 else np.zeros(n)
        keep = s.met.any(axis=1)
        return GroupContacts(trust=trust[keep], mediated=self.mediated[keep],
                             unmediated=self.unmediated[keep], positive=self.positive[keep],
                             negative=self.negative[keep],
                             change_mediated=self.change_mediated[keep],
                             change_unmediated=self.change_unmediated[keep])
