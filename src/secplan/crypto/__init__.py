"""Encryption at rest: secplan's chunked AEAD file format and key providers.

Start here::

    from secplan.crypto import KeyManager, encrypt_file, decrypt_file
    keys = KeyManager.for_project(root)
    keys.create("datasets")                      # local provider, aes-kek
    encrypt_file(src, dst, keys, "datasets")

The provider contract is :class:`secplan.crypto.keys.interface.KeyProvider`.
"""

from secplan.crypto.files import FileInfo, decrypt_file, encrypt_file, read_info, rewrap_file
from secplan.crypto.keys.interface import KeyProvider, KeyState, KeyType, KeyVersion
from secplan.crypto.keys.manager import KeyManager

__all__ = ["FileInfo", "KeyManager", "KeyProvider", "KeyState", "KeyType", "KeyVersion", "decrypt_file",
           "encrypt_file", "read_info", "rewrap_file"]
