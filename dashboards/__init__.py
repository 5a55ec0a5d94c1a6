"""The Solara workshop dashboard (``make dashboard``): the model for a room, without code."""
