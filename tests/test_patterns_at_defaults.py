"""The contact patterns of intergroup-contact research, reproduced by the model at its defaults.

What ``python -m model patterns`` prints (20 seeds of 50 groups, 300 steps), checked here
against what the calibration measured at its chosen point (results/calibration), and
the mechanisms behind two of them switched off to show that the checks can fail: without
size-dependent activity contact volume no longer goes with trust (P1), and without wariness
positive contact becomes the stronger predictor of trust (P3). Those failures are clear (the
whole 95% interval below the target) at 20 seeds for P1, whose correlation is noisy, and at 10
for P3. ODD 7.15 gives the numbers.
"""

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from model.analysis.contact_patterns import PATTERN_STEPS, evaluate
from model.run import contact_records


RESULTS = Path(__file__).resolve().parents[1] / "results" / "calibration"


@lru_cache(maxsize=None)
def _patterns(seeds: int, **params) -> dict:
    results = evaluate(contact_records(params, seeds=range(seeds), steps=PATTERN_STEPS))
    return {r.target.name: r for r in results}


def _chosen() -> dict:
    """The committed calibration's chosen candidate: the patterns it measured at the defaults."""
    table = pd.read_csv(RESULTS / "candidates.csv")
    return table[table["chosen"]].iloc[0].to_dict()


@pytest.mark.parametrize("pattern", ["P1_contact_trust", "P1_mediated_stronger",
                                     "P2_positive_more_common", "P3_negative_stronger",
                                     "P4_unmediated_helps", "P4_mediated_helps_more"])
def test_each_contact_pattern_is_as_the_calibration_found_it_at_the_defaults(pattern):
    """The defaults are the calibration's chosen point rounded to three figures; every
    pattern holds or fails there as it did at the unrounded point (five of six hold; P1's
    correlation falls short, ODD 7.15), and its mean moves by less than its own interval."""
    result, chosen = _patterns(20)[pattern], _chosen()
    assert result.holds == result.target.holds(chosen[pattern])
    assert abs(result.mean - chosen[pattern]) < 0.25 * (result.high - result.low)


def test_five_of_six_patterns_hold_at_the_defaults():
    assert sum(r.holds for r in _patterns(20).values()) == int(_chosen()["holds"]) == 5


def test_contact_volume_goes_with_trust_only_where_larger_groups_meet_more():
    p1 = _patterns(20, size_activity=0.0)["P1_contact_trust"]
    assert p1.high < p1.target.low, (p1.mean, p1.high)


def test_negative_contact_is_the_stronger_predictor_only_with_wariness():
    off = _patterns(10, enable_wariness=False)
    p3 = off["P3_negative_stronger"]
    assert p3.high < p3.target.low, (p3.mean, p3.high)
    assert off["P1_contact_trust"].holds and off["P4_unmediated_helps"].holds
