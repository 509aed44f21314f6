"""Pickle framing is read as CPython reads it, and no budget ever turns a verdict into a neutral error.

Protocol 4 wraps opcodes in FRAMEs (an 8-byte length, then that many bytes). ``_pickle`` requires
the frame's bytes to be there and then reads opcodes on regardless of frame ends; ``pickle.py``
refuses an opcode that runs across a frame end or a frame that begins inside another, and starts
the next load after the frame rather than after STOP. Where the two would read different programs
the file is ``unsafe``: a payload a scanner misses under one reading runs under the other.
"""

from __future__ import annotations

import pickle
import struct
from pathlib import Path

import pytest

from secplan.model.scan import Verdict, scan_file
from secplan.model.scan.options import ScanOptions
from secplan.model.scan.pickle_vm import Limits

from .corpus import call_system, su, torch_zip

BENIGN_BODY = b"}\x94(" + su("w") + b"K\x01" + su("b") + b"K\x02u."
"""A dict ``{"w": 1, "b": 2}`` in protocol-4 opcodes (without PROTO and FRAME)."""


def frame(length: int) -> bytes:
    return b"\x95" + struct.pack("<Q", length)


def rules(result: object) -> set[str]:
    return {f.rule for f in result.findings}  # type: ignore[attr-defined]


def scanned(tmp_path: Path, data: bytes, name: str = "model.pkl") -> object:
    path = tmp_path / name
    path.write_bytes(data)
    return scan_file(path)


@pytest.mark.parametrize("obj", [
    {"w": list(range(300)), "name": "x" * 70_000},
    {"blob": b"\x00" * 200_000, "n": [1.5] * 1000},  # a large payload is written outside any frame
])
@pytest.mark.parametrize("protocol", [4, 5])
def test_frames_written_by_pickle_are_consistent(tmp_path: Path, obj: dict, protocol: int) -> None:
    data = pickle.dumps(obj, protocol=protocol)
    assert b"\x95" in data[:3]
    result = scanned(tmp_path, data)
    assert result.verdict is Verdict.SAFE, [f.to_dict() for f in result.findings]


def test_an_opcode_across_a_frame_end_is_unsafe(tmp_path: Path) -> None:
    # The frame ends two bytes into SHORT_BINUNICODE "w": pickle.py stops there, _pickle reads on.
    data = b"\x80\x04" + frame(5) + BENIGN_BODY
    result = scanned(tmp_path, data)
    assert result.verdict is Verdict.UNSAFE and "pickle-frame-mismatch" in rules(result)


def test_a_frame_inside_a_frame_is_unsafe(tmp_path: Path) -> None:
    inner = frame(len(BENIGN_BODY)) + BENIGN_BODY
    result = scanned(tmp_path, b"\x80\x04" + frame(len(inner) + 4) + inner)
    assert result.verdict is Verdict.UNSAFE and "pickle-frame-mismatch" in rules(result)


def test_a_frame_that_hides_a_second_pickle_past_stop_is_unsafe_and_the_payload_found(tmp_path: Path) -> None:
    # _pickle's next load starts right after STOP and runs os.system; pickle.py's starts after the frame.
    hidden = call_system("id", proto=4)
    data = b"\x80\x04" + frame(len(BENIGN_BODY) + len(hidden)) + BENIGN_BODY + hidden
    result = scanned(tmp_path, data)
    assert result.verdict is Verdict.UNSAFE
    assert {"pickle-frame-mismatch", "pickle-dangerous-global"} <= rules(result)


def test_a_frame_longer_than_the_data_is_unsafe_inside_a_pytorch_zip(tmp_path: Path) -> None:
    # _pickle refuses the frame at once; pickle.py reads what there is and loads the dict.
    data_pkl = b"\x80\x04" + frame(len(BENIGN_BODY) + 4096) + BENIGN_BODY
    result = scanned(tmp_path, torch_zip(data_pkl), "model.pt")
    assert result.format == "pytorch-zip"
    assert result.verdict is Verdict.UNSAFE and "pickle-frame-mismatch" in rules(result)
    assert any(f.member == "archive/data.pkl" for f in result.findings)


def test_a_frame_too_long_for_any_unpickler_is_rejected_where_loaders_stop(tmp_path: Path) -> None:
    result = scanned(tmp_path, b"\x80\x04" + b"\x95" + b"\xff" * 8 + BENIGN_BODY)
    assert result.verdict is Verdict.ERROR and rules(result) == {"pickle-malformed"}


def test_a_payload_after_a_long_benign_prefix_is_found(tmp_path: Path) -> None:
    # Two million NONE/POP pairs before os.system: scanned to the end in linear time.
    data = b"\x80\x02" + b"N0" * 1_000_000 + call_system("id")[2:]
    result = scanned(tmp_path, data)
    assert result.verdict is Verdict.UNSAFE
    (hit,) = [f for f in result.findings if f.rule == "pickle-dangerous-global"]
    assert hit.symbol == "os.system" and hit.offset == 2 + 2_000_000


@pytest.mark.parametrize("limits", [
    Limits(max_opcodes=10_000),  # a time budget
    Limits(max_retained=1_000),  # the memory budget
    Limits(max_stack=100),
    Limits(max_memo=50),
])
def test_a_budget_that_stops_the_scan_makes_the_file_unsafe_not_an_error(tmp_path: Path, limits: Limits) -> None:
    path = tmp_path / "big.pkl"
    path.write_bytes(pickle.dumps([[f"s{i}", i] for i in range(5000)] + [tuple(range(200))], protocol=2))
    assert scan_file(path).verdict is Verdict.SAFE
    result = scan_file(path, ScanOptions(limits=limits))
    assert result.verdict is Verdict.UNSAFE
    (limit,) = [f for f in result.findings if f.rule == "scan-limit"]
    assert "not fully scanned" in limit.message and limit.offset is not None and limit.offset > 0


def test_a_flood_of_distinct_globals_stays_bounded_and_keeps_the_worst(tmp_path: Path) -> None:
    from .corpus import glob0

    flood = b"".join(glob0(f"vendor{i}.models", "Net") + b"0" for i in range(5000))  # GLOBAL then POP
    data = b"\x80\x02" + flood + glob0("os", "system") + su("id") + b"\x85R."
    result = scanned(tmp_path, data)
    assert result.verdict is Verdict.UNSAFE
    assert len(result.findings) <= 1001
    assert "os.system" in {f.symbol for f in result.findings}
    assert any("more findings not listed" in f.message for f in result.findings)


def test_the_worst_finding_past_the_listed_ones_is_kept(tmp_path: Path) -> None:
    from .corpus import glob0

    calls = b"".join(glob0(f"vendor{i}.models", "Net") + b")R0" for i in range(1500))  # each one called
    data = b"\x80\x02" + calls + glob0("os", "system") + su("id") + b"\x85R."
    result = scanned(tmp_path, data)
    assert result.verdict is Verdict.UNSAFE and len(result.findings) == 1001
    assert result.findings[-1].symbol == "os.system" and "more findings not listed" in result.findings[-1].message


def test_a_long_protocol_0_string_is_scanned_and_a_line_past_the_budget_is_not_an_error(tmp_path: Path) -> None:
    import io

    from secplan.model.scan.stream import Reader, ScanLimit

    long_text = pickle.dumps({"doc": "x" * 200_000}, protocol=0)
    assert scanned(tmp_path, long_text).verdict is Verdict.SAFE
    with pytest.raises(ScanLimit):
        Reader(io.BytesIO(b"S'" + b"y" * 5000 + b"'\n")).readline(max_len=1000)
