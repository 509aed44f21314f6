"""``secplan encrypt`` and ``secplan decrypt``: files in secplan's chunked AEAD format."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from secplan.cli.common import (
    Format,
    FormatOption,
    RootOption,
    emit,
    err_console,
    output_option,
    simple_table,
)
from secplan.errors import InputError, SecplanError
from secplan.fsutil import path_text

if TYPE_CHECKING:
    from secplan.crypto.files import FileInfo
    from secplan.crypto.keys.interface import KeyVersion

ENC_SUFFIX = ".enc"


def _plain_files(paths: list[Path]) -> list[Path]:
    """Files to encrypt: the files named, and every file under a named folder not yet encrypted."""
    from secplan.crypto.rotate import SKIP_DIRS
    from secplan.filetypes import ENCRYPTED_MAGIC, is_encrypted

    out: list[Path] = []
    for path in paths:
        if path.is_symlink():
            raise InputError(f"{path}: is a symbolic link; name the file it points to")
        if path.is_file():
            out.append(path)
        elif path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink()):
                if SKIP_DIRS & set(file.relative_to(path).parts):
                    continue
                with open(file, "rb") as handle:
                    if not is_encrypted(handle.read(len(ENCRYPTED_MAGIC))):
                        out.append(file)
        else:
            raise InputError(f"{path}: no such file or folder")
    return out


def _default_key(keys) -> str:
    from secplan.crypto.keys.interface import KeyState, KeyType

    keks = sorted({k.name for k in keys.list() if k.type is KeyType.AES_KEK and k.state is KeyState.ACTIVE})
    if len(keks) == 1:
        return keks[0]
    if not keks:
        raise InputError("no key to encrypt with", hint="create one: `secplan keys create NAME`")
    raise InputError(f"several keys could encrypt ({', '.join(keks)}): choose one with --key")


def encrypt_command(
    paths: list[Path] = typer.Argument(..., help="Files, or folders (every file in them not yet encrypted)."),
    key: str | None = typer.Option(None, "--key", "-k", help="Key-encryption key: NAME or NAME@vN."),
    output: Path | None = output_option("Output file (one input only)."),
    in_place: bool = typer.Option(False, "--in-place", help="Replace each input with its encrypted form."),
    chunk_size: int = typer.Option(1 << 20, "--chunk-size", help="Plaintext bytes per chunk."),
    root: Path = RootOption,
    fmt: Format = FormatOption,
) -> None:
    """Encrypt files (AES-256-GCM, streaming) under a managed key; writes <input>.enc by default."""
    from secplan.access import require_at

    require_at(root, "write", "encrypted")
    from secplan.crypto.files import encrypt_file, read_info
    from secplan.crypto.keys.manager import KeyManager

    files = _plain_files(paths)
    if output is not None and (len(files) != 1 or in_place):
        raise InputError("--output needs exactly one input file and no --in-place")
    keys = KeyManager.for_project(root)
    key_ref = key or _default_key(keys)
    keys.get(key_ref)  # fail before touching any file
    targets = [(src, output or (src if in_place else src.with_name(src.name + ENC_SUFFIX))) for src in files]
    taken = [str(dst) for _, dst in targets if dst.exists() and not in_place]
    if taken:
        raise InputError(f"{taken[0]}: already exists{f' (and {len(taken) - 1} more)' if len(taken) > 1 else ''}; "
                         "nothing was encrypted", hint="remove them, or choose another --output")
    done = []
    for src, dst in targets:
        def ledger(kek: KeyVersion, file_id: str, dst: Path = dst) -> None:
            keys.record_event("crypto.encrypt", f"file:{path_text(dst)}",
                              {"key": kek.id, "file_id": file_id, "in_place": in_place})

        used = encrypt_file(src, dst, keys, key_ref, chunk_size=chunk_size, replace=in_place, record=ledger)
        done.append({"input": path_text(src), "output": path_text(dst), "key": used.id,
                     "file_id": read_info(dst).header.file_id_hex})
    emit(done, fmt, lambda: simple_table("encrypted", ["input", "output", "key"],
                                         [(d["input"], d["output"], d["key"]) for d in done]))
    if not in_place and done:
        clear = done[0]["input"] + (f" and {len(done) - 1} more" if len(done) > 1 else "")
        err_console.print(f"note: the clear copy is still there ({clear}): remove it once the .enc is where it "
                          "should be, or use --in-place; until then `secplan assess` reports it (DS-1)",
                          markup=False, highlight=False)


def decrypt_command(
    files: list[Path] = typer.Argument(..., help="Encrypted files."),
    output: Path | None = output_option("Output file (one input only)."),
    in_place: bool = typer.Option(False, "--in-place", help="Replace each input with its plaintext."),
    root: Path = RootOption,
    fmt: Format = FormatOption,
) -> None:
    """Decrypt files; the output appears only after every chunk authenticated (mode 0600)."""
    from secplan.access import require_at

    require_at(root, "decrypt", "encrypted")
    from secplan.crypto.files import decrypt_file, read_info
    from secplan.crypto.keys.manager import KeyManager

    if output is not None and (len(files) != 1 or in_place):
        raise InputError("--output needs exactly one input file and no --in-place")
    targets = [(src, _plaintext_name(src, output, in_place)) for src in files]
    taken = [dst for src, dst in targets if dst != src and dst.exists()]
    if taken:
        raise InputError(f"{path_text(taken[0])}: already exists"
                         f"{f' (and {len(taken) - 1} more)' if len(taken) > 1 else ''}; nothing was decrypted",
                         hint="remove them, or choose another --output")
    keys = KeyManager.for_project(root)
    done = []
    for src, dst in targets:
        obj = f"file:{path_text(src)}"
        kek = "?"

        def ledger(info: FileInfo, dst: Path = dst, obj: str = obj) -> None:
            keys.record_event("crypto.decrypt", obj, {"key": _kek_of(info), "file_id": info.header.file_id_hex,
                                                      "output": path_text(dst), "in_place": in_place})

        try:
            kek = _kek_of(read_info(src))
            size = decrypt_file(src, dst, keys, replace=dst == src, record=ledger)
        except SecplanError as exc:
            keys.record_event("crypto.decrypt", obj, {"key": kek, "error": exc.message}, "failure")
            raise
        if in_place and dst != src:
            src.unlink()  # the plaintext now stands where the ciphertext was, under its own name
        done.append({"input": path_text(src), "output": path_text(dst), "key": kek, "bytes": size})
    if str(fmt) == Format.TABLE:
        for d in done:
            err_console.print(f"decrypted {d['input']} -> {d['output']} ({d['bytes']} bytes)")
    else:
        emit(done, fmt)


def _kek_of(info: FileInfo) -> str:
    return info.current.kek_id if info.current else "?"


def _plaintext_name(src: Path, output: Path | None, in_place: bool) -> Path:
    """Where ``src`` decrypts to: ``-o``, else its name without ``.enc`` (also with --in-place, so
    that plaintext never sits under a ``.enc`` name), else, with --in-place, ``src`` itself."""
    if not src.is_file():
        raise InputError(f"{path_text(src)}: no such file")
    if output is not None:
        return output
    if src.name.endswith(ENC_SUFFIX) and len(src.name) > len(ENC_SUFFIX):
        return src.with_name(src.name[: -len(ENC_SUFFIX)])
    if in_place:
        return src
    raise InputError(f"{path_text(src)}: name does not end in {ENC_SUFFIX}: give --output or --in-place")


def register(app: typer.Typer) -> None:
    app.command("encrypt")(encrypt_command)
    app.command("decrypt")(decrypt_command)
