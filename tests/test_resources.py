"""Memory limits are checked before a run allocates anything, against a limit users can raise."""

import pytest

from model.core import resources
from model.core.model import AllianceModel
from model.core.resources import ResourceError


def test_huge_population_is_refused_before_allocating(monkeypatch):
    monkeypatch.delenv(resources.ENV_MEMORY, raising=False)
    with pytest.raises(ResourceError) as err:
        AllianceModel(n_groups=100_000, seed=1)
    text = str(err.value)
    assert "'n_groups' = 100000" in text and resources.ENV_MEMORY in text and "GiB" in text


def test_limit_can_be_lowered_and_raised_on_purpose(monkeypatch):
    monkeypatch.setenv(resources.ENV_MEMORY, "0.01")
    with pytest.raises(ResourceError, match="limit of 0.0 GiB"):
        AllianceModel(n_groups=50, seed=1)
    monkeypatch.setenv(resources.ENV_MEMORY, "1")
    AllianceModel(n_groups=50, seed=1)


@pytest.mark.parametrize("raw", ["lots", "-1", "nan", "inf", "0"])
def test_bad_limit_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv(resources.ENV_MEMORY, raw)
    with pytest.raises(ResourceError, match=resources.ENV_MEMORY):
        resources.memory_limit_bytes()


def test_estimate_covers_measured_memory():
    import tracemalloc

    tracemalloc.start()
    n = 1500
    model = AllianceModel(n_groups=n, seed=2)
    for _ in range(3):
        model.step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < resources.run_bytes(n)
    assert peak > 0.6 * resources.BYTES_PER_PAIR * n * n, "the per-pair estimate is far too high"


def test_runs_at_once_multiply(monkeypatch):
    monkeypatch.setenv(resources.ENV_MEMORY, "1")
    resources.check_memory(2000)
    with pytest.raises(ResourceError, match="x 20 runs at once"):
        resources.check_memory(2000, runs_at_once=20)


def test_steps_and_runs_limits_name_the_field_and_the_variable(monkeypatch):
    monkeypatch.delenv(resources.ENV_STEPS, raising=False)
    monkeypatch.delenv(resources.ENV_RUNS, raising=False)
    assert resources.check_steps(1000) == 1000
    with pytest.raises(ResourceError, match=r"'steps' = 10000000000 .*ALLIANCE_ABM_MAX_STEPS"):
        resources.check_steps(10**10)
    with pytest.raises(ResourceError, match=r"'replicates' gives 4,611,686,018,427,387,904 runs"):
        resources.check_runs(2**62)
    monkeypatch.setenv(resources.ENV_STEPS, "20000000000")
    assert resources.check_steps(10**10) == 10**10
    monkeypatch.setenv(resources.ENV_RUNS, "many")
    with pytest.raises(ResourceError, match=resources.ENV_RUNS):
        resources.max_runs()
