"""The contact patterns of intergroup-contact research, reproduced by the model at its defaults.

What ``python -m model patterns`` prints (20 seeds of 50 groups, 400 steps), checked here, and
the mechanisms behind two of them switched off to show that the checks can fail: without
size-dependent activity contact volume no longer goes with trust (P1), and without wariness
positive contact becomes the stronger predictor of trust (P3). Those failures are clear at 10
seeds (the whole 95% interval below the target), which keeps the test short. ODD 7.15 gives
the numbers.
"""

from functools import lru_cache

import pytest

from model.analysis.contact_patterns import evaluate
from model.run import contact_records


@lru_cache(maxsize=None)
def _patterns(seeds: int, **params) -> dict:
    results = evaluate(contact_records(params, seeds=range(seeds), steps=400))
    return {r.target.name: r for r in results}


@pytest.mark.parametrize("pattern", ["P1_contact_trust", "P1_mediated_stronger",
                                     "P2_positive_more_common", "P3_negative_stronger",
                                     "P4_unmediated_helps", "P4_mediated_helps_more"])
def test_each_contact_pattern_holds_at_the_defaults(pattern):
    assert _patterns(20)[pattern].holds


def test_contact_volume_goes_with_trust_only_where_larger_groups_meet_more():
    p1 = _patterns(10, size_activity=0.0)["P1_contact_trust"]
    assert p1.high < p1.target.low, (p1.mean, p1.high)


def test_negative_contact_is_the_stronger_predictor_only_with_wariness():
    off = _patterns(10, enable_wariness=False)
    p3 = off["P3_negative_stronger"]
    assert p3.high < p3.target.low, (p3.mean, p3.high)
    assert off["P1_contact_trust"].holds and off["P4_unmediated_helps"].holds
