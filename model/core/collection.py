"""The model's Mesa DataCollector: metrics every ``collect_every`` steps, groups on request.

Mesa's own tools read the collector in two ways this module keeps apart: the DataFrames
(one row per collection) and ``mesa.batch_run``, which reads row *k* as step *k*. A model
that collects every C > 1 steps has no row for most steps, so batch_run's read is refused
here with the reason, instead of Mesa's bare ``IndexError`` or a row of the wrong step.
"""

from __future__ import annotations

import mesa

from model.core.agents import Group
from model.core.parameters import ParameterError

GROUP_REPORTERS = {"openness": "openness", "resources": "resources", "wariness": "wariness",
                   "alliance": "alliance"}
"""What is recorded of each group when agent collection is on (attributes of ``Group``)."""


class UncollectedStep(ParameterError, IndexError):
    """A collection row that does not exist because ``collect_every`` skipped its step.

    An ``IndexError`` too, so code that reads rows defensively behaves as with a list.
    """


class Collections(list):
    """One metric's values, one per collection (a list, as Mesa keeps them), which knows
    the collection interval so that a read past its end can say why it failed."""

    def __init__(self, every: int):
        super().__init__()
        self.every = every

    def __getitem__(self, index):
        try:
            return super().__getitem__(index)
        except IndexError:
            if self.every == 1 or not isinstance(index, int):
                raise
            last = (len(self) - 1) * self.every
            raise UncollectedStep(
                f"parameter 'collect_every' = {self.every} records the metrics every "
                f"{self.every} steps ({len(self)} rows: steps 0, {self.every}, ..., {last}), "
                f"so there is no row {index}; mesa.batch_run reads row k as step k and "
                f"allows only 'collect_every' = 1 (its data_collection_period then picks "
                f"the steps)") from None


class AllianceDataCollector(mesa.DataCollector):
    """Mesa's DataCollector with the model's metrics and, if asked, every group's state.

    Groups are recorded through Mesa's ``agenttype_reporters``, so movements (which hold
    none of these values) get no rows; ``get_agent_vars_dataframe`` returns that table.
    """

    def __init__(self, model_reporters: dict, every: int, groups: bool):
        super().__init__(model_reporters=model_reporters,
                         agenttype_reporters={Group: dict(GROUP_REPORTERS)} if groups else None)
        self.model_vars = {name: Collections(every) for name in self.model_vars}

    def get_agent_vars_dataframe(self):
        """One row per group per collection, indexed by (Step, AgentID); Mesa's
        ``UserWarning`` when the model was built without ``collect_agents=True``."""
        if Group not in self.agenttype_reporters:
            raise UserWarning("no agent data: agent collection is off; build the model with "
                              "AllianceModel(..., collect_agents=True)")
        return self.get_agenttype_vars_dataframe(Group)
