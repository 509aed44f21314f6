"""Bundles whose documents were replaced by an attacker (digests fixed up, so the documents reach the
checks): whatever the bytes, verify answers with a report or an InputError (exit 2), never a crash."""

from __future__ import annotations

import json
import random

import pytest

from secplan.errors import InputError
from secplan.evidence import verify_file
from tests.evidence.test_tamper import pack, unpack

ODD_VALUES = [None, 0, -1, 2**70, "", "x", [], {}, [1, "a"], {"a": None}, True, 1.5]


def mutations(files: dict[str, bytes], seed: int):
    """Members with one value replaced by a value of another type, or their bytes cut or flipped."""
    rng = random.Random(seed)
    names = sorted(n for n in files if n.endswith((".json", ".jsonl")))
    for _ in range(40):
        name = rng.choice(names)
        data = files[name]
        choice = rng.random()
        if choice < 0.2:
            yield name, data[: rng.randrange(len(data))]
        elif choice < 0.3:
            flipped = bytearray(data)
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
            yield name, bytes(flipped)
        else:
            lines = data.decode().splitlines() if name.endswith(".jsonl") else [data.decode()]
            index = rng.randrange(len(lines))
            doc = json.loads(lines[index])
            target, key = _pick(doc, rng)
            if target is None:
                continue
            target[key] = rng.choice(ODD_VALUES)
            lines[index] = json.dumps(doc)
            yield name, ("\n".join(lines) + "\n").encode()


def _pick(doc, rng: random.Random):
    """A random (container, key) inside ``doc``."""
    node, found = doc, None
    for _ in range(rng.randrange(1, 5)):
        if isinstance(node, dict) and node:
            key = rng.choice(sorted(node))
        elif isinstance(node, list) and node:
            key = rng.randrange(len(node))
        else:
            break
        found = (node, key)
        node = node[key]
    return found if found else (None, None)


@pytest.mark.parametrize("seed", range(3))
def test_no_document_makes_verify_crash(bundle_bytes, tmp_path, seed):
    files = unpack(bundle_bytes)
    outcomes = {"input": 0, "fail": 0, "ok": 0}
    for number, (name, data) in enumerate(mutations(files, seed)):
        path = pack({**files, name: data}, tmp_path / f"m{number}.zip", fix_digests=name != "manifest.json")
        try:
            report = verify_file(path)
        except InputError as exc:
            assert exc.message
            outcomes["input"] += 1
            continue
        outcomes["ok" if report.ok else "fail"] += 1
    assert outcomes["input"] + outcomes["fail"] > 0
