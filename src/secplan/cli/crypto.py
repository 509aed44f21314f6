"""``secplan encrypt`` and ``secplan decrypt``: files in secplan's chunked AEAD format."""

from __future__ import annotations

from pathlib import Path

import typer

from secplan.cli.common import Format, FormatOption, RootOption, emit, err_console, simple_table
from secplan.errors import InputError, SecplanError

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
    output: Path | None = typer.Option(None, "--output", "-o", help="Output file (one input only)."),
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
        used = encrypt_file(src, dst, keys, key_ref, chunk_size=chunk_size, replace=in_place)
        file_id = read_info(dst).header.file_id_hex
        keys.record_event("crypto.encrypt", f"file:{dst}", {"key": used.id, "file_id": file_id,
                                                            "in_place": in_place})
        done.append({"input": str(src), "output": str(dst), "key": used.id, "file_id": file_id})
    emit(done, fmt, lambda: simple_table("encrypted", ["input", "output", "key"],
                                         [(d["input"], d["output"], d["key"]) for d in done]))


def decrypt_command(
    files: list[Path] = typer.Argument(..., help="Encrypted files."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Output file (one input only)."),
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
    keys = KeyManager.for_project(root)
    done = []
    for src in files:
        if output is not None:
            dst = output
        elif in_place:
            dst = src
        elif src.name.endswith(ENC_SUFFIX) and len(src.name) > len(ENC_SUFFIX):
            dst = src.with_name(src.name[: -len(ENC_SUFFIX)])
        else:
            raise InputError(f"{src}: name does not end in {ENC_SUFFIX}: give --output or --in-place")
        if not src.is_file():
            raise InputError(f"{src}: no such file")
        kek = "?"
        try:
            info = read_info(src)
            kek = info.current.kek_id if info.current else "?"
            size = decrypt_file(src, dst, keys, replace=in_place)
        except SecplanError as exc:
            keys.record_event("crypto.decrypt", f"file:{src}", {"key": kek, "error": exc.message}, "failure")
            raise
        keys.record_event("crypto.decrypt", f"file:{src}", {"key": kek, "file_id": info.header.file_id_hex})
        done.append({"input": str(src), "output": str(dst), "key": kek, "bytes": size})
    if str(fmt) == Format.TABLE:
        for d in done:
            err_console.print(f"decrypted {d['input']} -> {d['output']} ({d['bytes']} bytes)")
    else:
        emit(done, fmt)


def register(app: typer.Typer) -> None:
    app.command("encrypt")(encrypt_command)
    app.command("decrypt")(decrypt_command)
