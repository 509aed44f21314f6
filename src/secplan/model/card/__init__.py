"""Model cards generated from the registry (MS-3, CS-2): never typed by hand, so they cannot drift."""

from secplan.model.card.build import build_card, card_digest
from secplan.model.card.render import render

__all__ = ["build_card", "card_digest", "render"]
