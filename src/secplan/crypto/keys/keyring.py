"""The Linux kernel keyring (keyrings(7)), called directly so that no keyutils package is needed.

A ``user`` key in the caller's session keyring is what the unlock cache wants: it never touches a
disk, only processes of that login session possess it, and the kernel itself expires it after its
timeout. A process started outside a login session (no session keyring of its own) uses the user's
session keyring, which the kernel keeps per user, so that the next command finds the key; it is
never given a new anonymous session keyring, which would die with the process. Container runtimes often filter these system calls out: :func:`available` says whether
they work here, and everything else returns quietly when they do not.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import os
import platform

_SYSCALLS = {"x86_64": (248, 250), "amd64": (248, 250), "aarch64": (217, 219), "arm64": (217, 219)}
"""(add_key, keyctl) by machine; other architectures fall back to the file cache."""

KEY_SPEC_SESSION_KEYRING = -3
KEYCTL_GET_KEYRING_ID = 0
KEYCTL_SETPERM = 5
KEYCTL_UNLINK = 9
KEYCTL_SEARCH = 10
KEYCTL_READ = 11
KEYCTL_SET_TIMEOUT = 15
KEYCTL_INVALIDATE = 21
# Possessor may view, read, write, search and set attributes; nobody else (not even the same user in
# another session) may do anything, including seeing that the key exists.
_PERM = (0x01 | 0x02 | 0x04 | 0x08 | 0x20) << 24
_MAX_PAYLOAD = 4096


@functools.cache
def _calls() -> tuple[ctypes.CDLL, int, int] | None:
    numbers = _SYSCALLS.get(platform.machine().lower())
    if numbers is None or not hasattr(os, "getuid"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    libc.syscall.restype = ctypes.c_long
    return libc, *numbers


def _keyctl(*args: object) -> int:
    calls = _calls()
    if calls is None:
        raise OSError(errno.ENOSYS, "no kernel keyring on this platform")
    libc, _add, keyctl = calls
    result = libc.syscall(ctypes.c_long(keyctl), *args)
    if result < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    return int(result)


def _session() -> int | None:
    """The session keyring's serial; without one the user's session keyring is installed (not a new one)."""
    try:
        return _keyctl(ctypes.c_long(KEYCTL_GET_KEYRING_ID), ctypes.c_long(KEY_SPEC_SESSION_KEYRING),
                       ctypes.c_long(0))
    except OSError:
        return None


def available() -> bool:
    """True when this process can use the kernel keyring."""
    return _session() is not None


def add(description: str, payload: bytes, timeout_s: int) -> None:
    """Put ``payload`` under ``description`` in the session keyring (replacing one there); the kernel
    erases it after ``timeout_s`` seconds. Raises :class:`OSError` when the keyring refuses."""
    calls, ring = _calls(), _session()
    if calls is None or ring is None or len(payload) > _MAX_PAYLOAD:
        raise OSError(errno.ENOSYS, "no kernel keyring here")
    libc, add_key, _keyctl_number = calls
    serial = libc.syscall(ctypes.c_long(add_key), ctypes.c_char_p(b"user"), ctypes.c_char_p(description.encode()),
                          ctypes.c_char_p(payload), ctypes.c_size_t(len(payload)), ctypes.c_long(ring))
    if serial < 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))
    try:
        _keyctl(ctypes.c_long(KEYCTL_SET_TIMEOUT), ctypes.c_long(serial), ctypes.c_uint(timeout_s))
        _keyctl(ctypes.c_long(KEYCTL_SETPERM), ctypes.c_long(serial), ctypes.c_uint32(_PERM))
    except OSError:
        _drop(serial, ring)
        raise


def read(description: str) -> bytes | None:
    """The payload of the live key ``description``, or None (absent, expired, revoked, no keyring)."""
    serial = _find(description)
    if serial is None:
        return None
    buffer = ctypes.create_string_buffer(_MAX_PAYLOAD)
    try:
        size = _keyctl(ctypes.c_long(KEYCTL_READ), ctypes.c_long(serial), buffer, ctypes.c_size_t(_MAX_PAYLOAD))
    except OSError:
        return None
    return buffer.raw[:min(size, _MAX_PAYLOAD)]


def remove(description: str) -> bool:
    """Invalidate the key ``description`` at once; True when there was one."""
    ring = _session()
    serial = _find(description)
    if serial is None or ring is None:
        return False
    _drop(serial, ring)
    return True


def _find(description: str) -> int | None:
    ring = _session()
    if ring is None:
        return None
    try:
        return _keyctl(ctypes.c_long(KEYCTL_SEARCH), ctypes.c_long(ring), ctypes.c_char_p(b"user"),
                       ctypes.c_char_p(description.encode()), ctypes.c_long(0))
    except OSError:  # ENOKEY, EKEYEXPIRED, EKEYREVOKED, EACCES
        return None


def _drop(serial: int, ring: int) -> None:
    try:
        _keyctl(ctypes.c_long(KEYCTL_INVALIDATE), ctypes.c_long(serial))
    except OSError:
        with contextlib.suppress(OSError):
            _keyctl(ctypes.c_long(KEYCTL_UNLINK), ctypes.c_long(serial), ctypes.c_long(ring))
