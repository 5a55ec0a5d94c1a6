"""The plain-language panel: each mechanism in a sentence or two, and the essay idea behind it.

Keyed by the ``enable_*`` switch names of ``model.core.parameters`` so that a test can check that
every mechanism the model can switch off is explained to the room. Paraphrased from the
"Essay idea" paragraphs of docs/ODD.md section 7 (Muto 2009/2018; Beaudet 2021; Mestrum).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    """What a mechanism does, in words a room without modellers follows, and its source idea."""

    title: str
    what: str
    idea: str
    odd_section: str


EXPLANATIONS: dict[str, Explanation] = {
    "enable_encounter_bias": Explanation(
        "Who meets whom",
        "Groups meet more often across lines of domination, and again the groups they already know.",
        "Globalisation ties groups into an unequal division of labour they did not choose: a "
        "closeness that is antagonistic and still brings them into contact.",
        "7.1"),
    "enable_mediation": Explanation(
        "Mediation by movements",
        "A movement rooted in both groups, or two tied movements rooted one in each, can mediate "
        "an encounter. Mediation makes a good meeting more likely, but between very unequal "
        "groups it can feel like imposition and backfire.",
        "Muto argues that virtuous interaction needs mediation by movements rooted in their "
        "constituencies; the model tests this claim instead of assuming it.",
        "7.2"),
    "enable_negativity_bias": Explanation(
        "Bad meetings weigh more",
        "A hostile encounter moves trust further down than a virtuous one moves it up.",
        "Vicious interaction escalates distrust faster than virtuous interaction builds relations.",
        "7.4"),
    "enable_wariness": Explanation(
        "Bad meetings leave groups wary",
        "Every hostile encounter leaves a group a little warier of all outsiders; while it is "
        "wary, good meetings can raise its trust only so far. Wariness fades slowly.",
        "Vicious interaction does not only hurt the pair that met: distrust spreads and makes "
        "later virtuous interaction harder.",
        "7.4"),
    "enable_secondary_transfer": Explanation(
        "Experience spreads to categories",
        "Meeting one group changes how a group sees everyone who shares that group's categories, "
        "even groups it never met.",
        "Identities overlap and intersect; allies must take the side of the dominated on several "
        "axes at once.",
        "7.5"),
    "enable_internal_impacts": Explanation(
        "Power shifts inside groups",
        "Virtuous contact strengthens a group's open faction; hostile contact rallies its "
        "hardliners.",
        "Virtuous interaction changes power and culture inside each group, not only between groups.",
        "7.6"),
    "enable_backlash": Explanation(
        "First reaction: closing ranks",
        "A plain first meeting makes a hardliner-led group a little more closed; it fades as "
        "groups get to know each other.",
        "A group's first reaction to strangers may be defensive before mediation opens it.",
        "7.6"),
    "enable_entrenchment": Explanation(
        "Inertia of hierarchy",
        "Each group's openness slowly drifts back toward where it started.",
        "A group's internal hierarchy resists change and pulls it back to old habits.",
        "7.6"),
    "enable_contracts": Explanation(
        "Contracts and their renewal",
        "Pairs that trust each other enough after any meeting sign a contract, reconsidered at "
        "fixed moments: renewed if trust held, dropped otherwise.",
        "Alliance building is a fluid process punctuated by agreements for the time being; renewed "
        "social contracts accumulate into a people's charter.",
        "7.7"),
    "enable_structural_change": Explanation(
        "Sharing power inside a contract",
        "The dominant partner may share power, paying its partner for it; its open faction "
        "weighs what the alliance brings against that cost, its hardliners the cost alone.",
        "An alliance cannot last if domination between its parties is left intact; it must work "
        "toward abolishing that inequality.",
        "7.8"),
    "enable_lip_service": Explanation(
        "Lip service costs trust",
        "As long as domination inside a contract is not reduced, the dominated partner's trust "
        "slowly erodes.",
        "An alliance that leaves domination in place stays lip service and loses credibility.",
        "7.8"),
    "enable_economic_articulation": Explanation(
        "Exchange between allies",
        "Allies whose economic positions complement each other gain resources and grow "
        "interdependent, which makes renewal easier.",
        "Like the worker-peasant alliance organising exchange between industry and farming, "
        "people's alliances are embryos of a future society, not passing partnerships.",
        "7.9"),
    "enable_common_enemy": Explanation(
        "A common enemy",
        "An enemy shared by the groups dominated on one axis makes their meetings friendlier and "
        "lowers the bar for their contracts; it can stay, fade or come as a pulse.",
        "War and neoliberal globalisation once gave movements a focus that faded; the task became "
        "to build the people among themselves, not only against a power.",
        "7.12"),
    "enable_commons": Explanation(
        "A shared commons",
        "A shared resource regrows and is extracted; when it runs low, meetings turn hostile more "
        "easily, less so for groups with resources to fall back on. Alliances that give the "
        "nature side a voice lower extraction.",
        "Interaction must include a dialogue with nature and a rethinking of development, learning "
        "from indigenous peoples.",
        "7.10"),
    "enable_instigation": Explanation(
        "Divide and rule",
        "Outside pressure frames meetings as hostile, spread evenly or aimed at the largest "
        "alliance.",
        "A ruling system reproduces itself by setting one group of the people against another.",
        "7.11"),
    "enable_movement_dynamics": Explanation(
        "A movement of movements",
        "Movements that mediate together form and keep ties; ties that are not used fade.",
        "Inter-movement politics, tested by the interaction between peoples it produces; a forum "
        "should be a space where movements converge and mediate.",
        "7.13"),
}
