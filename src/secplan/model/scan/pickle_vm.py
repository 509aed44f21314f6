"""A static, symbolic pickle machine: protocols 0-5, a real stack and memo, nothing ever imported.

It runs every opcode the way ``pickle.Unpickler`` would, except that globals become :class:`Global`
symbols and calls become :class:`Call` symbols instead of being imported or called. So it knows,
without guessing, which global each ``REDUCE``/``OBJ``/``INST``/``NEWOBJ``/``BUILD`` acts on, even
when names come from the memo, from byte strings, or from ``getattr`` trampolines. Every global is
judged by the :class:`~secplan.model.scan.policy.Policy` the moment it appears, so a payload placed
before a deliberately broken byte is still reported.

Longer than secplan's other modules on purpose: the machine is one opcode table and the stack, memo
and framing state every opcode shares, and splitting the table would put the opcodes that must agree
with each other (memo and stack discipline, framing) into different files. The values it handles
and the argument parsers live in :mod:`.pickle_values`.
"""

from __future__ import annotations

import _compat_pickle
import codecs
import struct
import sys
from typing import Any

from secplan.model.scan.pickle_values import (
    KEEP_ITEMS,
    KEEP_STR,
    READ_PAYLOAD,
    TORCH_ELEMENT_SIZE,
    TORCH_LEGACY_MAGIC,
    Call,
    Global,
    Limits,
    Malformed,
    Opaque,
    PickleOutcome,
    SymDict,
    SymList,
    SymSet,
    dtype_itemsize,
    float_arg,
    int_arg,
    quoted,
    underflow,
)
from secplan.model.scan.policy import DANGEROUS_NAMES, Judgement, Policy
from secplan.model.scan.result import Finding, Verdict
from secplan.model.scan.stream import DecompressionLimit, Reader, ScanLimit, Truncated

_UNPACK_D = struct.Struct(">d").unpack_from
_UNPACK_I = struct.Struct("<i").unpack_from
NUMPY_WRAPPER = "joblib.numpy_pickle.NumpyArrayWrapper"
GETATTR = "builtins.getattr"
LOAD_FROM_BYTES = "torch.storage._load_from_bytes"
_DEFERRED = {GETATTR, LOAD_FROM_BYTES}
"""Dangerous globals judged by their use: each has one use that is safe and can be checked."""
PARTIAL = "functools.partial"
MAX_FINDINGS = 1000
"""Findings listed per pickle stream; past it only the worst one left out is kept, with a count."""
__all__ = ["NUMPY_WRAPPER", "TORCH_LEGACY_MAGIC", "Limits", "Malformed", "PickleMachine", "PickleOutcome"]


class PickleMachine:
    """Interpret a stream of pickles symbolically and report what it would import and call."""

    def __init__(self, policy: Policy, *, member: str | None = None, limits: Limits | None = None) -> None:
        self.policy = policy
        self.member = member
        self.limits = limits or Limits()
        self.out = PickleOutcome()
        self.retained = 0
        self.dropped = 0
        self._worst_dropped: Finding | None = None
        self._reader: Reader | None = None
        self._reported: set[tuple[str, str]] = set()
        self._getattrs: dict[int, tuple[Global, str]] = {}
        """``builtins.getattr`` imports not yet seen used on an allowed object."""
        self._unlisted: dict[str, tuple[Global, str]] = {}
        """Globals off the allowlist, judged when the scan ends: by then it is known whether the
        pickle only keeps them as values (a score function, a dtype) or calls them."""

    # -- findings ---------------------------------------------------------------------------------

    def _add(self, rule: str, verdict: Verdict, message: str, offset: int | None, symbol: str | None = None,
             *, dedupe: bool = True) -> None:
        key = (rule, symbol or message)
        if dedupe and key in self._reported:
            return
        finding = Finding(rule, verdict, message, self.member, offset, symbol)
        if dedupe and len(self.out.findings) >= MAX_FINDINGS:
            # Thousands of distinct globals: memory stays bounded, the worst one left out is kept.
            self.dropped += 1
            if self._worst_dropped is None or verdict.rank > self._worst_dropped.verdict.rank:
                self._worst_dropped = finding
            return
        self._reported.add(key)
        self.out.findings.append(finding)

    def _judge_global(self, g: Global, how: str = "imports") -> None:
        if len(self.out.globals) < KEEP_ITEMS:
            self.out.globals.add(g.fq)
        judgement, why = self.policy.judge(g.module, g.name)
        if g.fq in _DEFERRED and how == "imports":
            # Judged by its use: a bound method of an allowed object is held by many estimators.
            self._getattrs[id(g)] = (g, f"{how} {g.fq}: {why}")
        elif judgement is Judgement.UNSAFE:
            self._add("pickle-dangerous-global", Verdict.UNSAFE, f"{how} {g.fq}: {why}", g.offset, g.fq)
        elif judgement is Judgement.SUSPICIOUS:
            if len(self._unlisted) < KEEP_ITEMS:
                self._unlisted.setdefault(g.fq, (g, f"{how} {g.fq}: {why}"))
            else:
                self._add("pickle-unknown-global", Verdict.SUSPICIOUS, f"{how} {g.fq}: {why}", g.offset, g.fq)

    def _invoked(self, g: Global) -> None:
        """``g`` is called, or handed to a call that may call it (``copyreg._reconstructor(cls, ...)``)."""
        pending = self._unlisted.pop(g.fq, None)
        if pending is not None:
            self._add("pickle-unknown-global", Verdict.SUSPICIOUS, f"calls {pending[1]}", g.offset, g.fq)

    def _report_getattr(self, g: Global) -> None:
        pending = self._getattrs.pop(id(g), None)
        if pending is not None:
            self._add("pickle-dangerous-global", Verdict.UNSAFE, pending[1], g.offset, g.fq)

    def _bound_method(self, func: Global, args: Any) -> bool:
        """``getattr(obj, "name")`` on an object an allowed class made, for a plain method name: the
        bound method a fitted estimator keeps (``_raw_predict``). Nothing is called by holding it."""
        if not (isinstance(args, tuple) and len(args) == 2 and isinstance(args[1], str)):
            return False
        obj, name = args
        if not (isinstance(obj, Call) and isinstance(obj.func, Global)) or not name.isidentifier():
            return False
        if name.startswith("__") or name in DANGEROUS_NAMES:
            return False
        return self.policy.judge(obj.func.module, obj.func.name)[0] is Judgement.SAFE

    def _scan_torch_bytes(self, payload: Any) -> bool:
        """``torch.storage._load_from_bytes(b)`` is ``torch.load(b)``: what plain ``pickle`` writes for a
        tensor. Scan ``b`` as the nested legacy ``torch.save`` stream it is; False if it cannot be read."""
        import io

        from secplan.model.scan.zipread import Window

        reader = self._reader
        if isinstance(payload, bytes):
            handle: Any = io.BytesIO(payload)
        elif isinstance(payload, Opaque) and payload.at is not None and reader is not None and reader.seekable:
            handle = Window(reader.handle, payload.at, payload.size)
        else:
            return False
        here = reader.handle.tell() if reader is not None and reader.seekable else None
        nested = PickleMachine(self.policy, member=self.member, limits=self.limits)
        out = nested.scan(Reader(handle))
        if here is not None:
            reader.handle.seek(here)  # type: ignore[union-attr]
        self.out.findings.extend(Finding(f.rule, f.verdict, f"in a tensor's torch.save bytes: {f.message}",
                                         f.member, f.offset, f.symbol) for f in out.findings)
        self.out.globals |= out.globals
        return True

    def _judge_unlisted(self) -> None:
        """What was imported off the allowlist and never called: a value of a library whose functions
        and classes are harmless to hold (``SelectKBest(score_func=f_classif)``) is fine; others are not."""
        for g, message in self._unlisted.values():
            if not self.policy.referenced_safely(g.module, g.name):
                self._add("pickle-unknown-global", Verdict.SUSPICIOUS, message, g.offset, g.fq)
        self._unlisted.clear()
        for g, _ in list(self._getattrs.values()):
            self._report_getattr(g)
        if self._worst_dropped is not None:
            worst, self._worst_dropped = self._worst_dropped, None
            self.out.findings.append(Finding(worst.rule, worst.verdict, f"{worst.message} (and {self.dropped - 1} "
                                             "more findings not listed)", worst.member, worst.offset, worst.symbol))

    def _on_call(self, func: Any, args: Any, offset: int, kind: str) -> Call:
        holds = isinstance(func, Global) and func.fq == PARTIAL and isinstance(args, tuple) and len(args) == 1
        for arg in args if isinstance(args, tuple) and not holds else ():
            # ``partial(f)`` holds ``f``: judged as a value, called only if the partial ever is.
            if isinstance(arg, Global):
                self._invoked(arg)
        if isinstance(func, Global) and func.fq == GETATTR and self._bound_method(func, args):
            self._getattrs.pop(id(func), None)
            return Call(func, args, offset, "method")
        if isinstance(func, Global) and func.fq == GETATTR:
            self._report_getattr(func)
        if isinstance(func, Global) and func.fq == LOAD_FROM_BYTES:
            if isinstance(args, tuple) and len(args) == 1 and self._scan_torch_bytes(args[0]):
                self._getattrs.pop(id(func), None)
                return Call(func, args, offset, "storage")
            self._report_getattr(func)
        if isinstance(func, Call) and func.kind == "method":
            self._add("pickle-unknown-global", Verdict.SUSPICIOUS, f"calls the method {func.args[1]!r} of an "
                      "object at load time", offset, f"{func.args[0].func.fq}.{func.args[1]}")
            return Call(func, args, offset, kind)
        if isinstance(func, Global):
            self._invoked(func)
            if func.fq == GETATTR and isinstance(args, tuple) and len(args) >= 2:
                target, attr = args[0], args[1]
                if isinstance(target, Global) and isinstance(attr, str):
                    resolved = Global(target.module, f"{target.name}.{attr}", offset)
                    self._judge_global(resolved, "resolves getattr to")
                    return Call(resolved, (), offset, "getattr")
        elif isinstance(func, Call) and func.kind == "getattr" and isinstance(func.func, Global):
            pass  # calling what getattr resolved: already judged as a global
        else:
            what = type(func).__name__ if not isinstance(func, Call) else "the result of another call"
            self._add("pickle-indirect-call", Verdict.UNSAFE,
                      f"calls {what} instead of a named global (a trampoline that hides the callee)", offset)
        return Call(func, args, offset, kind)

    # -- driving ----------------------------------------------------------------------------------

    def scan(self, reader: Reader, *, force: bool = True) -> PickleOutcome:
        """Run every pickle in the stream: stacked pickles are all interpreted, as loaders that call
        ``load`` repeatedly (legacy torch, joblib, custom formats) would."""
        out = self.out
        self._reader = reader
        try:
            self._scan_stacked(reader)
        except Malformed as exc:
            self._add("pickle-malformed", Verdict.ERROR, f"not a valid pickle: {exc}", reader.offset, dedupe=False)
        except Truncated as exc:
            self._add("pickle-truncated", Verdict.ERROR, f"the pickle is truncated: {exc}", reader.offset,
                      dedupe=False)
        except DecompressionLimit:
            raise
        except ScanLimit as exc:
            self._not_fully_scanned(str(exc), reader.offset)
        except RecursionError:
            self._not_fully_scanned("nesting too deep to analyse", reader.offset)
        self._judge_unlisted()
        return out

    def _not_fully_scanned(self, why: str, offset: int) -> None:
        """A budget stopped the scan: what follows could do anything, so the file is not judged safe."""
        self._add("scan-limit", Verdict.UNSAFE, f"not fully scanned: stopped at a scan limit ({why}); the bytes "
                  "after this point were not analysed", offset, dedupe=False)

    def _scan_stacked(self, reader: Reader) -> None:
        first = True
        while first or not reader.at_end():
            if self.out.pickles >= self.limits.max_stacked:
                raise ScanLimit(f"more than {self.limits.max_stacked} stacked pickles")
            start = reader.offset
            value = self._run_one(reader, depth=0)
            self.out.pickles += 1
            if len(self.out.values) < 8:
                self.out.values.append(value)
            if self.out.pickles == 2:
                self._add("pickle-stacked", Verdict.SAFE,
                          "the stream holds several pickles; every one was analysed", start)
            first = False
            if self.out.pickles == 1 and value == TORCH_LEGACY_MAGIC:
                self._torch_legacy(reader)

    def _torch_legacy(self, reader: Reader) -> None:
        """Legacy ``torch.save``: magic, protocol, sys info, the object, storage keys, then raw storages."""
        for _ in range(4):
            self.out.values.append(self._run_one(reader, depth=0))
            self.out.pickles += 1
        keys = self.out.values[-1]
        if not isinstance(keys, SymList) or keys.count != len(keys.items):
            raise Malformed("legacy torch file without a readable list of storage keys")
        sizes: dict[str, int] = {}
        for pid in self.out.persistent_ids:
            if isinstance(pid, tuple) and len(pid) >= 3 and pid[0] == "storage" and isinstance(pid[1], Global):
                kind = pid[1].name.removesuffix("Storage")
                sizes[str(pid[2])] = TORCH_ELEMENT_SIZE.get(kind, 0)
        for key in keys.items:
            size = sizes.get(str(key))
            if not size:
                raise Malformed(f"legacy torch storage {key!r} has no known element type")
            numel = struct.unpack("<q", reader.read(8))[0]
            if numel < 0:
                raise Malformed(f"legacy torch storage {key!r} has a negative size")
            reader.skip(numel * size)

    def scan_torch_tar_member(self, reader: Reader, kind: str) -> PickleOutcome:
        """The ``storages`` and ``tensors`` members of the oldest ``torch.save`` layout (a tar):
        a count, then per entry a small pickle followed by raw numbers that must be skipped."""
        try:
            total = self._run_one(reader, depth=0)
            self.out.pickles += 1
            if not isinstance(total, int) or total < 0:
                raise Malformed(f"legacy torch {kind} member does not start with a count")
            for _ in range(total):
                args = self._run_one(reader, depth=0)
                self.out.pickles += 1
                if kind == "storages":
                    size = 0
                    if isinstance(args, tuple) and len(args) == 3 and isinstance(args[2], Global):
                        size = TORCH_ELEMENT_SIZE.get(args[2].name.removesuffix("Storage"), 0)
                    if not size:
                        raise Malformed("legacy torch storage without a known element type")
                    numel = struct.unpack("<q", reader.read(8))[0]
                    if numel < 0:
                        raise Malformed("legacy torch storage with a negative size")
                    reader.skip(numel * size)
                else:
                    ndim = struct.unpack("<i", reader.read(4))[0]
                    if not 0 <= ndim <= 64:
                        raise Malformed("legacy torch tensor with an impossible number of dimensions")
                    reader.skip(4 + 16 * ndim + 8)
            if not reader.at_end():
                self._scan_stacked(reader)
        except Malformed as exc:
            self._add("pickle-malformed", Verdict.ERROR, f"not a valid legacy torch {kind} member: {exc}",
                      reader.offset, dedupe=False)
        except Truncated as exc:
            self._add("pickle-truncated", Verdict.ERROR, f"truncated: {exc}", reader.offset, dedupe=False)
        except DecompressionLimit:
            raise
        except ScanLimit as exc:
            self._not_fully_scanned(str(exc), reader.offset)
        self._judge_unlisted()
        return self.out

    # -- the machine ------------------------------------------------------------------------------

    def _run_one(self, r: Reader, depth: int) -> Any:
        if depth > self.limits.max_nested:
            raise ScanLimit(f"pickles nested more than {self.limits.max_nested} deep")
        lim = self.limits
        stack: list[Any] = []
        metastack: list[list[Any]] = []
        memo: dict[int, Any] = {}
        proto = 0
        out = self.out
        count = 0
        max_ops = (lim.max_opcodes - out.opcodes) if lim.max_opcodes is not None else sys.maxsize
        frame_end = -1
        """Where the current FRAME ends (absolute offset), -1 outside a frame."""

        def pop_mark() -> list[Any]:
            nonlocal stack
            if not metastack:
                raise Malformed("MARK expected but not found")
            items = stack
            stack = metastack.pop()
            return items

        def pop() -> Any:
            if not stack:
                raise Malformed("stack underflow")
            return stack.pop()

        max_stack = lim.max_stack
        while True:
            buf, pos = r.buf, r.pos
            if pos + 9 > len(buf):
                r.fill(9)  # so that fixed-size arguments below can be sliced from ``buf``
                buf, pos = r.buf, r.pos
                if pos >= len(buf):
                    raise Truncated("the data ends before the STOP opcode")
            blen = len(buf)
            at = r.base + pos
            op = buf[pos]
            pos += 1
            r.pos = pos
            count += 1
            if count > max_ops:
                raise ScanLimit(f"more than {lim.max_opcodes} opcodes")
            if not count & 0x3FFF and self.retained > lim.max_retained:  # checked every 16k opcodes
                raise ScanLimit(f"more than {lim.max_retained} values kept in memory")
            if len(stack) > max_stack:
                raise ScanLimit(f"stack deeper than {max_stack}")
            if frame_end >= 0 and at >= frame_end:
                if at > frame_end:
                    self._frame_mismatch(at, f"an opcode runs across the end of the frame at byte {frame_end}: "
                                         "pickle.py's unpickler stops there, _pickle's reads on")
                frame_end = -1

            if op == 0x47:  # BINFLOAT
                if pos + 8 > blen:
                    raise Truncated("BINFLOAT argument cut short")
                stack.append(_UNPACK_D(buf, pos)[0])
                r.pos = pos + 8
            elif op == 0x71:  # BINPUT
                if pos >= blen:
                    raise Truncated("BINPUT argument cut short")
                if not stack:
                    raise Malformed("PUT on an empty stack")
                memo[buf[pos]] = stack[-1]
                r.pos = pos + 1
            elif op == 0x68:  # BINGET
                if pos >= blen:
                    raise Truncated("BINGET argument cut short")
                idx = buf[pos]
                if idx not in memo:
                    raise Malformed(f"memo key {idx} not found")
                stack.append(memo[idx])
                r.pos = pos + 1
            elif op == 0x94:  # MEMOIZE
                if not stack:
                    raise Malformed("MEMOIZE on an empty stack")
                if len(memo) >= lim.max_memo:
                    raise ScanLimit(f"more than {lim.max_memo} memo entries")
                memo[len(memo)] = stack[-1]
            elif op == 0x4B:  # BININT1
                if pos >= blen:
                    raise Truncated("BININT1 argument cut short")
                stack.append(buf[pos])
                r.pos = pos + 1
            elif op == 0x8C:  # SHORT_BINUNICODE
                if pos < blen and pos + 1 + buf[pos] <= blen:
                    n = buf[pos]
                    stack.append(self._text(buf[pos + 1:pos + 1 + n], at))
                    r.pos = pos + 1 + n
                else:
                    n = r.read(1)[0]
                    stack.append(self._text(r.read(n), at))
            elif op == 0x4D:  # BININT2
                if pos + 2 > blen:
                    raise Truncated("BININT2 argument cut short")
                stack.append(buf[pos] | buf[pos + 1] << 8)
                r.pos = pos + 2
            elif op == 0x4A:  # BININT
                if pos + 4 > blen:
                    raise Truncated("BININT argument cut short")
                stack.append(_UNPACK_I(buf, pos)[0])
                r.pos = pos + 4
            elif op == 0x58:  # BINUNICODE
                stack.append(self._sized_text(r, struct.unpack("<I", r.read(4))[0], at))
            elif op == 0x8D:  # BINUNICODE8
                stack.append(self._sized_text(r, struct.unpack("<Q", r.read(8))[0], at))
            elif op == 0x28:  # MARK
                if len(metastack) >= lim.max_marks:
                    raise ScanLimit(f"more than {lim.max_marks} nested MARKs")
                metastack.append(stack)
                stack = []
            elif op == 0x85:  # TUPLE1
                stack[-1:] = [tuple(stack[-1:])] if stack else underflow()
            elif op == 0x86:  # TUPLE2
                if len(stack) < 2:
                    raise Malformed("stack underflow")
                stack[-2:] = [tuple(stack[-2:])]
            elif op == 0x87:  # TUPLE3
                if len(stack) < 3:
                    raise Malformed("stack underflow")
                stack[-3:] = [tuple(stack[-3:])]
            elif op == 0x74:  # TUPLE
                items = pop_mark()
                self._keep(len(items))
                stack.append(tuple(items))
            elif op == 0x29:  # EMPTY_TUPLE
                stack.append(())
            elif op == 0x5D:  # EMPTY_LIST
                stack.append(SymList())
            elif op == 0x7D:  # EMPTY_DICT
                stack.append(SymDict())
            elif op == 0x65:  # APPENDS
                items = pop_mark()
                target = stack[-1] if stack else underflow()
                self._mutate(target, at)
                if isinstance(target, SymList):
                    self.retained += min(len(items), KEEP_ITEMS - len(target.items))
                    for item in items:
                        target.add(item)
            elif op == 0x61:  # APPEND
                value = pop()
                target = stack[-1] if stack else underflow()
                self._mutate(target, at)
                if isinstance(target, SymList) and target.add(value):
                    self._keep(1)
            elif op == 0x75:  # SETITEMS
                items = pop_mark()
                if len(items) % 2:
                    raise Malformed("SETITEMS with an odd number of items")
                target = stack[-1] if stack else underflow()
                self._mutate(target, at)
                if isinstance(target, SymDict):
                    self.retained += 2 * min(len(items) // 2, KEEP_ITEMS - len(target.items))
                    add = target.add
                    for i in range(0, len(items), 2):
                        add(items[i], items[i + 1])
            elif op == 0x73:  # SETITEM
                value = pop()
                key = pop()
                target = stack[-1] if stack else underflow()
                self._mutate(target, at)
                if isinstance(target, SymDict) and target.add(key, value):
                    self._keep(2)
            elif op == 0x52:  # REDUCE
                args = pop()
                func = stack[-1] if stack else underflow()
                stack[-1] = self._on_call(func, args, at, "reduce")
            elif op == 0x62:  # BUILD
                state = pop()
                inst = stack[-1] if stack else underflow()
                before = r.offset
                if self._build(inst, state, at, r, depth):
                    # joblib ends the frame, then writes the array's bytes to the file outside any frame.
                    if frame_end >= 0 and frame_end != before:
                        self._frame_mismatch(at, "joblib array data starts inside a frame")
                    frame_end = -1
            elif op == 0x81:  # NEWOBJ
                args = pop()
                cls = pop()
                stack.append(self._on_call(cls, args, at, "new"))
            elif op == 0x92:  # NEWOBJ_EX
                kwargs = pop()
                args = pop()
                cls = pop()
                stack.append(self._on_call(cls, (args, kwargs), at, "new"))
            elif op == 0x93:  # STACK_GLOBAL
                name = pop()
                module = pop()
                stack.append(self._stack_global(module, name, at))
            elif op == 0x63:  # GLOBAL
                module = self._line_name(r, at)
                name = self._line_name(r, at)
                g = self._make_global(module, name, at, proto)
                stack.append(g)
            elif op == 0x69:  # INST
                module = self._line_name(r, at)
                name = self._line_name(r, at)
                g = self._make_global(module, name, at, proto)
                args = tuple(pop_mark())
                stack.append(self._on_call(g, args, at, "inst"))
            elif op == 0x6F:  # OBJ
                items = pop_mark()
                if not items:
                    raise Malformed("OBJ without a class")
                stack.append(self._on_call(items[0], tuple(items[1:]), at, "obj"))
            elif op == 0x4E:  # NONE
                stack.append(None)
            elif op == 0x88:  # NEWTRUE
                stack.append(True)
            elif op == 0x89:  # NEWFALSE
                stack.append(False)
            elif op == 0x6A:  # LONG_BINGET
                idx = struct.unpack("<I", r.read(4))[0]
                if idx not in memo:
                    raise Malformed(f"memo key {idx} not found")
                stack.append(memo[idx])
            elif op == 0x72:  # LONG_BINPUT
                idx = struct.unpack("<I", r.read(4))[0]
                if not stack:
                    raise Malformed("PUT on an empty stack")
                if len(memo) >= lim.max_memo and idx not in memo:
                    raise ScanLimit(f"more than {lim.max_memo} memo entries")
                memo[idx] = stack[-1]
            elif op == 0x43:  # SHORT_BINBYTES
                stack.append(self._payload(r, r.read(1)[0], "bytes"))
            elif op == 0x42:  # BINBYTES
                stack.append(self._payload(r, struct.unpack("<I", r.read(4))[0], "bytes"))
            elif op == 0x8E:  # BINBYTES8
                stack.append(self._payload(r, struct.unpack("<Q", r.read(8))[0], "bytes"))
            elif op == 0x96:  # BYTEARRAY8
                stack.append(self._payload(r, struct.unpack("<Q", r.read(8))[0], "bytearray"))
            elif op == 0x55:  # SHORT_BINSTRING
                stack.append(self._bytes_text(r.read(r.read(1)[0])))
            elif op == 0x54:  # BINSTRING
                n = struct.unpack("<i", r.read(4))[0]
                if n < 0:
                    raise Malformed("BINSTRING with a negative length")
                stack.append(self._bytes_text(r.read(n)) if n <= READ_PAYLOAD else self._payload(r, n, "str"))
            elif op == 0x95:  # FRAME
                if frame_end >= 0:
                    self._frame_mismatch(at, "a FRAME begins before the current frame ends: pickle.py's "
                                         "unpickler rejects it, _pickle's reads on")
                size = struct.unpack("<Q", r.read(8))[0]
                if size > sys.maxsize:
                    raise Malformed(f"FRAME length {size} exceeds what any unpickler accepts")
                frame_end = r.offset + size
            elif op == 0x80:  # PROTO
                proto = r.read(1)[0]
                if proto > 5:
                    raise Malformed(f"unsupported pickle protocol {proto}")
            elif op == 0x2E:  # STOP
                if frame_end > r.offset:
                    self._frame_mismatch(at, f"the frame runs {frame_end - r.offset} bytes past STOP: the "
                                         "next load starts after STOP in _pickle, after the frame in pickle.py "
                                         "(or the frame is longer than the data, which _pickle refuses)")
                value = pop()
                out.opcodes += count
                if self.retained > lim.max_retained:
                    raise ScanLimit(f"more than {lim.max_retained} values kept in memory")
                return value
            elif op == 0x30:  # POP
                if stack:
                    stack.pop()
                else:
                    pop_mark()
            elif op == 0x31:  # POP_MARK
                pop_mark()
            elif op == 0x32:  # DUP
                stack.append(stack[-1] if stack else underflow())
            elif op == 0x49:  # INT
                line = r.readline()[:-1]
                stack.append(True if line == b"01" else False if line == b"00" else int_arg(line))
            elif op == 0x4C:  # LONG
                stack.append(int_arg(r.readline()[:-1].rstrip(b"L")))
            elif op == 0x8A:  # LONG1
                stack.append(int.from_bytes(r.read(r.read(1)[0]), "little", signed=True))
            elif op == 0x8B:  # LONG4
                n = struct.unpack("<i", r.read(4))[0]
                if n < 0:
                    raise Malformed("LONG4 with a negative length")
                if n > READ_PAYLOAD:
                    stack.append(self._payload(r, n, "long"))
                else:
                    stack.append(int.from_bytes(r.read(n), "little", signed=True))
            elif op == 0x46:  # FLOAT
                stack.append(float_arg(r.readline()[:-1]))
            elif op == 0x53:  # STRING
                stack.append(quoted(r.readline()[:-1]))
            elif op == 0x56:  # UNICODE
                raw = r.readline()[:-1]
                stack.append(self._text(codecs.decode(raw, "raw-unicode-escape", "replace").encode("utf-8"), at))
            elif op == 0x64:  # DICT
                items = pop_mark()
                if len(items) % 2:
                    raise Malformed("DICT with an odd number of items")
                d = SymDict()
                self._keep(2 * sum(d.add(items[i], items[i + 1]) for i in range(0, len(items), 2)))
                stack.append(d)
            elif op == 0x6C:  # LIST
                lst = SymList()
                self._keep(sum(lst.add(item) for item in pop_mark()))
                stack.append(lst)
            elif op == 0x67:  # GET
                idx = int_arg(r.readline()[:-1])
                if idx not in memo:
                    raise Malformed(f"memo key {idx} not found")
                stack.append(memo[idx])
            elif op == 0x70:  # PUT
                idx = int_arg(r.readline()[:-1])
                if idx < 0:
                    raise Malformed("negative PUT argument")
                if not stack:
                    raise Malformed("PUT on an empty stack")
                memo[idx] = stack[-1]
            elif op == 0x8F:  # EMPTY_SET
                stack.append(SymSet())
            elif op == 0x90:  # ADDITEMS
                items = pop_mark()
                target = stack[-1] if stack else underflow()
                self._mutate(target, at)
                if isinstance(target, SymSet):
                    target.count += len(items)
            elif op == 0x91:  # FROZENSET
                items = pop_mark()
                stack.append(SymSet(len(items)))
            elif op == 0x50:  # PERSID
                pid = r.readline()[:-1].decode("latin-1")
                stack.append(self._persistent(pid))
            elif op == 0x51:  # BINPERSID
                stack.append(self._persistent(pop()))
            elif op in (0x82, 0x83, 0x84):  # EXT1, EXT2, EXT4
                code = int.from_bytes(r.read({0x82: 1, 0x83: 2, 0x84: 4}[op]), "little")
                self._add("pickle-extension-code", Verdict.SUSPICIOUS,
                          f"imports extension code {code}: the callee depends on the loading process's "
                          "copyreg registry and cannot be known from the file", at, f"ext:{code}")
                stack.append(Global("copyreg._extension_registry", str(code), at))
            elif op == 0x97:  # NEXT_BUFFER
                stack.append(Opaque("buffer"))
            elif op == 0x98:  # READONLY_BUFFER
                if not stack:
                    raise Malformed("stack underflow")
            else:
                raise Malformed(f"invalid opcode 0x{op:02x}")

    # -- opcode helpers ---------------------------------------------------------------------------

    def _frame_mismatch(self, at: int, why: str) -> None:
        """The two CPython unpicklers (``_pickle`` and ``pickle.py``) would read these bytes as
        different programs; the scan follows ``_pickle`` (which reads on) but cannot vouch for both."""
        self._add("pickle-frame-mismatch", Verdict.UNSAFE, f"FRAME lengths disagree with the bytes that "
                  f"follow: {why}", at)

    def _keep(self, n: int) -> None:
        """Account for ``n`` values kept in memory; the opcode loop stops the scan past the budget."""
        self.retained += n

    def _text(self, raw: bytes, at: int) -> Any:
        if len(raw) > KEEP_STR:
            return Opaque("str", len(raw))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        self.retained += (len(raw) >> 3) + 1
        return text

    def _sized_text(self, r: Reader, n: int, at: int) -> Any:
        if n > READ_PAYLOAD:
            return self._payload(r, n, "str")
        return self._text(r.read(n), at)

    @staticmethod
    def _bytes_text(raw: bytes) -> Any:
        text = raw.decode("latin-1")
        return text if len(text) <= KEEP_STR else Opaque("str", len(raw))

    @staticmethod
    def _payload(r: Reader, n: int, kind: str) -> Any:
        if n <= 64:
            return r.read(n)
        at = r.origin + r.offset if r.origin is not None else None
        r.skip(n)
        return Opaque(kind, n, at)

    def _line_name(self, r: Reader, at: int) -> str:
        raw = r.readline()[:-1]
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            name = raw.decode("latin-1")
            self._add("pickle-undecodable-global", Verdict.SUSPICIOUS,
                      f"a global name is not valid UTF-8 ({name!r}); loaders disagree on what it means", at,
                      name)
            return name

    def _make_global(self, module: str, name: str, at: int, proto: int) -> Global:
        if not all(part.isidentifier() for part in module.split(".")):
            # ``find_class`` imports the module first: no import finds such a name, so a real unpickler
            # fails at this byte before importing or calling anything (a script named ``.pt``).
            raise Malformed(f"a global names the module {module[:80]!r}, which no import can find")
        if proto < 3:
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            elif module in _compat_pickle.IMPORT_MAPPING:
                module = _compat_pickle.IMPORT_MAPPING[module]
        g = Global(module, name, at)
        self._judge_global(g)
        return g

    def _stack_global(self, module: Any, name: Any, at: int) -> Global:
        if isinstance(module, str) and isinstance(name, str):
            return self._make_global(module, name, at, 4)
        if isinstance(module, bytes | str) and isinstance(name, bytes | str):
            mod = module.decode("latin-1") if isinstance(module, bytes) else module
            nam = name.decode("latin-1") if isinstance(name, bytes) else name
            g = Global(mod, nam, at)
            self._add("pickle-nonstring-global", Verdict.SUSPICIOUS,
                      f"STACK_GLOBAL with byte-string operands naming {g.fq}", at, g.fq)
            self._judge_global(g)
            return g
        self._add("pickle-unresolved-global", Verdict.UNSAFE,
                  "STACK_GLOBAL with operands computed at load time: the imported name is hidden", at)
        return Global("<unresolved>", "<unresolved>", at)

    def _persistent(self, pid: Any) -> Opaque:
        if len(self.out.persistent_ids) < KEEP_ITEMS:
            self.out.persistent_ids.append(pid)
        return Opaque("persistent")

    def _mutate(self, target: Any, at: int) -> None:
        if isinstance(target, Global):
            self._add("pickle-mutates-global", Verdict.UNSAFE,
                      f"changes the imported object {target.fq} itself (monkey-patching at load time)", at,
                      target.fq)

    def _build(self, inst: Any, state: Any, at: int, r: Reader, depth: int) -> bool:
        """Record ``inst``'s state; True when raw data written outside the pickle followed (joblib)."""
        self._mutate(inst, at)
        if not isinstance(inst, Call):
            return False
        inst.state = state
        if isinstance(inst.func, Global) and inst.func.fq == NUMPY_WRAPPER:
            self._skip_joblib_array(inst, state, at, r, depth)
            return True
        return False

    def _skip_joblib_array(self, inst: Call, state: Any, at: int, r: Reader, depth: int) -> None:
        """joblib writes each array's bytes right after its wrapper's BUILD; an object array is a
        nested pickle. Skip the former, interpret the latter."""
        if not isinstance(state, SymDict):
            raise Malformed("joblib array wrapper without a state dict")
        shape, dtype = state.get("shape"), state.get("dtype")
        itemsize, has_object = dtype_itemsize(dtype)
        if has_object:
            self._run_one(r, depth + 1)
            return
        if not isinstance(shape, tuple) or not all(isinstance(d, int) and d >= 0 for d in shape) or not itemsize:
            raise Malformed("joblib array wrapper with a shape or dtype that cannot be sized")
        count = 1
        for dim in shape:
            count *= dim
        if state.get("numpy_array_alignment_bytes") is not None:
            r.skip(r.read(1)[0])
        r.skip(count * itemsize)
