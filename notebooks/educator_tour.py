# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: -jupytext.text_representation
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # An educator's tour: a river valley, and a "what if"
#
# For teachers and workshop facilitators; no programming is needed. A notebook is a page
# of text and grey boxes of code. Click a grey box and press **Shift+Enter** to run it: its
# result appears below it. Run the boxes from top to bottom (or choose *Run All* in the
# menu). Nothing you do here can break the model or change its files.
#
# **The model in two sentences.** People's groups, set against each other by lines of
# domination (owners over workers, men over women, industry over farming), keep meeting;
# each meeting can go well or badly, and movements that are rooted in several groups can
# mediate it. Meetings that go well build trust, trust leads to agreements between groups,
# and agreements that are renewed again and again join into a lasting *alliance*.

# %%
import matplotlib.pyplot as plt
import pandas as pd

from model.core.model import AllianceModel
from model.core.scenario import SCENARIO_DIR, load_scenario
from model.plots import network_figure

# %% [markdown]
# ## 1. The situation: a scenario file
#
# A *scenario file* describes a real or imagined place in plain text: who the groups are,
# on which lines they are dominated, how large and how open to others each is, and which
# movements work among them. The project ships one, a river valley; it is the file named
# below, and every line of it is commented.

# %%
valley = load_scenario("river_valley")
print(SCENARIO_DIR / "river_valley.toml")
print()
print(valley.name)
print(valley.description)

# %% [markdown]
# The groups. *Dominated on* lists the lines of domination on which a group is on the
# losing side (on every other line it is on the dominant side). *Openness* (0 to 1) is how
# much say the group's open-minded members have inside it.

# %%
total = sum(g["size"] for g in valley.groups)
pd.DataFrame({
    "group": [g["name"] for g in valley.groups],
    "dominated on": [", ".join(a for a in valley.axes if a in g["dominated"]) or "(none)"
                     for g in valley.groups],
    "share of the people": [f"{g['size'] / total:.0%}" for g in valley.groups],
    "openness": [g["openness"] for g in valley.groups],
})

# %% [markdown]
# The movements, and which line of domination each works on. Movements do not speak for the
# groups; they help groups meet each other well.

# %%
pd.DataFrame({"movement": [m["name"] for m in valley.movements],
              "works on": [m["axis"] for m in valley.movements],
              "capacity to mediate": [m["capacity"] for m in valley.movements]})

# %% [markdown]
# ## 2. Run it
#
# 300 steps; in each, groups meet. The *seed* fixes the chance events, so the same seed
# always tells the same story (change it to see another possible history of the valley).

# %%
SEED = 1
STEPS = 300


def run_valley(**changes):
    """Run the valley for STEPS steps with some settings changed; return the finished model."""
    return AllianceModel(seed=SEED, scenario=valley, **changes).run(STEPS)


def describe(model):
    """A few sentences on how a run ended."""
    m = model.datacollector.get_model_vars_dataframe()
    stable = m["largest_stable_alliance_share"]
    if (stable > 0).any():
        names = model.state.group_names
        members = [names[g] for g in range(len(names)) if model.state.stable_alliance[g] >= 0]
        print(f"A lasting alliance formed at step {int((stable > 0).idxmax())}. At the end it "
              f"joins {len(members)} of {len(names)} groups ({', '.join(members)}), "
              f"{stable.iloc[-1]:.0%} of the people.")
    else:
        print(f"No lasting alliance formed in {STEPS} steps.")
    print(f"Trust between groups ends at {m['mean_trust'].iloc[-1]:+.2f} on a scale from -1 "
          f"(full distrust) to +1 (full trust); {m['hostility'].iloc[-1]:.0%} of the pairs of "
          f"groups that have met are hostile.")


base = run_valley()
describe(base)

# %% [markdown]
# **The alliance network at the end.** Each circle is a group (larger = more people;
# a thicker outline = more open). Circles of the same colour are in the same alliance,
# grey ones in none. A black line is an agreement between two groups, thick once it has
# been renewed; a thin red line joins two groups that distrust each other.

# %%
network_figure(base, "The river valley after 300 steps")
plt.show()

# %% [markdown]
# ## 3. What if the factory owners played divide and rule twice as hard?
#
# *Instigation* is the dominant side's divide and rule: rumours and incidents that set one
# group against another and turn their meetings sour. In the valley file it is set to 0.3.
# We run the same valley, with the same seed, with instigation at 0.6, and draw both runs in
# one figure.

# %%
def compare(what_if, label):
    """Run the valley with one change and draw it against the base run."""
    other = run_valley(**what_if)
    fig, panels = plt.subplots(1, 3, figsize=(11, 3.2), constrained_layout=True)
    for model, name, colour in ((base, "as in the file", "#0072B2"), (other, label, "#D55E00")):
        m = model.datacollector.get_model_vars_dataframe()
        for ax, column, title in zip(panels, ("largest_stable_alliance_share", "mean_trust",
                                              "hostility"),
                                     ("people in the largest lasting alliance",
                                      "trust between groups (-1 to +1)",
                                      "share of hostile pairs")):
            ax.plot(m.index, m[column], color=colour, label=name)
            ax.set(title=title, xlabel="step")
    panels[0].legend()
    plt.show()
    return other


more_instigation = compare({"instigation": 0.6}, "instigation 0.6")
describe(more_instigation)

# %% [markdown]
# **How to read it.** Each panel follows one measure over the 300 steps: blue is the valley
# as in the file, orange the what-if. Divide and rule works on every meeting: soured
# meetings lower trust, low trust stops agreements from being signed or renewed, and
# without renewed agreements no lasting alliance can form. Questions for the room: when do
# the two stories part? Could stronger movements have held the valley together?
#
# **Is it luck?** One run is one possible history. The same comparison for five different
# seeds (each seed is another roll of the dice):

# %%
rows = []
for seed in range(1, 6):
    for label, changes in (("as in the file", {}), ("instigation 0.6", {"instigation": 0.6})):
        model = AllianceModel(seed=seed, scenario=valley, **changes).run(STEPS)
        m = model.datacollector.get_model_vars_dataframe()
        rows.append({"seed": seed, "run": label,
                     "lasting alliance": "yes" if model.stable_alliance_formed else "no",
                     "trust at the end": round(m["mean_trust"].iloc[-1], 2)})
pd.DataFrame(rows).pivot(index="seed", columns="run")

# %% [markdown]
# ## 4. Your turn
#
# Change the line `what_if = ...` below and run the box again. Some ideas:
#
# - `{"enable_mediation": False}`: the movements stop mediating (every mechanism of the
#   model has such a switch: `enable_structural_change`, `enable_common_enemy`, ...).
#   The essay this model comes from says mediation is essential; the model tests that
#   claim rather than assuming it, so look at what it shows here.
# - `{"instigation": 0.0}`: no divide and rule at all.
# - `{"mediation_capacity": 0.8}`: stronger movements.
#
# `python -m model params` (in a terminal) lists every setting with its meaning and range.

# %%
what_if = {"enable_mediation": False}
describe(compare(what_if, "what if"))

# %% [markdown]
# ## Going further
#
# - **Your own situation.** Copy `river_valley.toml`, rename the groups, change who is
#   dominated on which line, how large and how open each group is, and where the movements
#   are rooted. Load it here with `load_scenario("path/to/your_file.toml")`; a mistake in
#   the file is reported with the line or key at fault. The main `README.md` explains
#   every key (*Describing a local situation*).
# - **The dashboard.** For a room, the workshop dashboard is easier than a notebook: in a
#   terminal in the project's folder, `make dashboard`, then open the address it prints
#   in a browser. Pick the *River valley* preset (or another), press Play, move the
#   sliders, and use *Compare* to run the same seed with one mechanism switched off.
