"""The first bytes of a file in secplan's encrypted format; shared with discovery so it can tell
an encrypted asset from one stored in clear without importing the crypto engine."""

ENCRYPTED_MAGIC = b"\x89SPLNENC\r\n\x1a\n"
"""PNG-style: a high byte and CR/LF/EOF bytes so that transfers that mangle binaries are detected."""


def is_encrypted_header(head: bytes) -> bool:
    return head.startswith(ENCRYPTED_MAGIC)
