"""Hostile inputs shared by the hardening tests."""

from __future__ import annotations


def billion_laughs(levels: int = 9, fanout: int = 9) -> str:
    lines = ['a0: &a0 "lol"']
    for i in range(1, levels + 1):
        refs = ", ".join(f"*a{i - 1}" for _ in range(fanout))
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"
