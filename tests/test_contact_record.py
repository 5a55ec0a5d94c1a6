"""The per-group contact recorder (model.core.contact_record) and `python -m model patterns`:
recording changes no number, and its tallies equal a plain count of the encounters."""

import subprocess
import sys
from pathlib import Path

import numpy as np

from model.core.contact_record import ContactRecorder
from model.core.model import AllianceModel
from model.mechanisms.encounter_outcomes import HOSTILE, VIRTUOUS
from model.run import contact_records

ROOT = Path(__file__).resolve().parents[1]
PARAMS = dict(n_groups=25, mediation_capacity=0.3, instigation=0.2)


def test_recording_changes_no_number():
    plain = AllianceModel(seed=4, **PARAMS).run(40)
    watched = AllianceModel(seed=4, **PARAMS)
    ContactRecorder(watched)
    watched.run(40)
    assert plain.datacollector.get_model_vars_dataframe().equals(
        watched.datacollector.get_model_vars_dataframe())
    for name, arr in plain.state.arrays().items():
        assert np.array_equal(arr, watched.state.arrays()[name]), name


def test_tallies_equal_a_plain_count_of_every_encounter():
    model = AllianceModel(seed=5, **PARAMS)
    recorder = ContactRecorder(model)
    seen = []
    model.observers.append(lambda *step: seen.append([np.array(a) for a in step]))
    model.run(30)
    n = model.state.n
    expected = {k: np.zeros(n) for k in ("mediated", "unmediated", "positive", "negative",
                                         "change_mediated", "change_unmediated")}
    for i, j, mediated, outcome, d_ij, d_ji in seen:
        for e in range(len(i)):
            for group, change in ((i[e], d_ij[e]), (j[e], d_ji[e])):
                kind = "mediated" if mediated[e] else "unmediated"
                expected[kind][group] += 1
                expected["change_" + kind][group] += change
                expected["positive"][group] += outcome[e] == VIRTUOUS
                expected["negative"][group] += outcome[e] == HOSTILE
    for name, values in expected.items():
        assert np.allclose(getattr(recorder, name), values, rtol=0, atol=1e-12), name
    assert recorder.positive.sum() + recorder.negative.sum() > 0
    assert recorder.mediated.sum() + recorder.unmediated.sum() == 2 * 30 * model.n_encounters


def test_the_record_holds_each_met_groups_trust_in_the_others_as_a_whole():
    """Trust in the other groups as a whole: remembered for those met, expected from
    attitudes for those not (computed here the plain way)."""
    model = AllianceModel(seed=6, **PARAMS)
    recorder = ContactRecorder(model)
    model.run(20)
    record = recorder.record()
    s = model.state
    met = [g for g in range(s.n) if s.met[g].any()]
    assert len(record.trust) == len(met)
    assert any(not s.met[g, h] for g in met for h in range(s.n) if h != g)  # some never met
    for k, g in enumerate(met):
        values = [s.trust[g, h] if s.met[g, h] else s.attitudes[g, s.categories[h]].mean()
                  for h in range(s.n) if h != g]
        assert np.isclose(record.trust[k], np.mean(values), rtol=0, atol=1e-12)


def test_records_for_several_seeds_differ_by_seed():
    a, b = contact_records(PARAMS, seeds=[1, 2], steps=15)
    assert not np.array_equal(a.positive, b.positive) or not np.array_equal(a.trust, b.trust)


def test_patterns_command_prints_each_pattern_and_refuses_bad_counts():
    cmd = [sys.executable, "-m", "model", "patterns", "--steps", "20", "--set", "n_groups=20"]
    out = subprocess.run(cmd + ["--seeds", "3"], capture_output=True, text=True, cwd=ROOT,
                         check=True, timeout=300).stdout
    for name in ("P1_contact_trust", "P2_positive_more_common", "P3_negative_stronger",
                 "P4_unmediated_helps"):
        assert name in out
    assert "of 6 hold." in out
    bad = subprocess.run(cmd + ["--seeds", "0"], capture_output=True, text=True, cwd=ROOT,
                         timeout=120)
    assert bad.returncode == 2 and "--seeds = 0" in bad.stderr
