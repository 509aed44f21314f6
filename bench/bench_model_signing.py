"""Benchmark: secplan's model hashing + signing + verification vs the OpenSSF `model_signing` library
and its CLI, on the same model folder in one run.

    .venv/bin/python bench/bench_model_signing.py [--size-mib 2048] [--files 2] [--repeat 3]

The folder (under .bench/, git-ignored) holds ``--files`` weight files that share ``--size-mib``,
plus a config and a tokenizer, like a Hugging Face checkpoint. Both sides hash every byte with SHA-256
and sign with an ECDSA P-256 key (secplan: a managed key in a local keystore; model_signing: a PEM
file). The page cache is warmed first, so both read from memory. Prints seconds (best of
``--repeat``), throughput and the ratio model_signing / secplan (above 1: secplan is faster).
Not a test: nothing here asserts.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
MIB = 1 << 20
PASS = "benchmark passphrase, not a secret"


def make_model(folder: Path, size: int, files: int) -> None:
    marker = folder / ".complete"
    if marker.exists() and marker.read_text() == f"{size}/{files}":
        return
    folder.mkdir(parents=True, exist_ok=True)
    block = os.urandom(64 * MIB)
    for i in range(files):
        left = size // files
        with open(folder / f"model-{i + 1:05d}-of-{files:05d}.safetensors", "wb") as out:
            while left:
                n = min(left, len(block))
                out.write(block[:n])
                left -= n
    (folder / "config.json").write_text(json.dumps({"hidden": 4096, "layers": 32}))
    (folder / "tokenizer").mkdir(exist_ok=True)
    (folder / "tokenizer" / "vocab.txt").write_text("\n".join(f"tok{i}" for i in range(50000)))
    marker.write_text(f"{size}/{files}")


def warm(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb", buffering=0) as f:
                while f.read(64 * MIB):
                    pass


def best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=2048)
    parser.add_argument("--files", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import model_signing

    from secplan.crypto.keys.interface import KeyType
    from secplan.crypto.keys.keystore import KdfParams, Keystore
    from secplan.crypto.keys.local import LocalProvider
    from secplan.crypto.keys.manager import KeyManager
    from secplan.model.registry.hashing import hash_tree
    from secplan.model.registry.signing import sign_tree, verify_path

    work = ROOT / ".bench" / "model-signing"
    model = work / f"model-{args.size_mib}m-{args.files}f"
    make_model(model, args.size_mib * MIB, args.files)
    warm(model)
    total = sum(p.stat().st_size for p in model.rglob("*") if p.is_file() and p.name != ".complete")
    ignore = (".complete",)

    os.environ["SECPLAN_PASSPHRASE"] = PASS
    keystore_path = work / "keystore.json"
    keystore_path.unlink(missing_ok=True)
    keystore = Keystore(keystore_path)
    keys = KeyManager(keystore, local=LocalProvider(keystore, KdfParams(memory_kib=8192, iterations=1, lanes=1)))
    keys.create("model-signing", KeyType.ECDSA_P256)
    public = keys.export_public("model-signing")
    private = ec.generate_private_key(ec.SECP256R1())
    pem = work / "library-key.pem"
    pem.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    pub = work / "library-key.pub"
    pub.write_bytes(private.public_key().public_bytes(serialization.Encoding.PEM,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo))
    ours_sig, lib_sig, cli_sig = work / "secplan.sig", work / "library.sig", work / "cli.sig"

    def secplan_sign() -> None:
        tree = hash_tree(model, ignore=ignore)
        ours_sig.write_text(sign_tree(keys, "model-signing", tree, {"registry": "bench@1"}))

    def library_sign() -> None:
        hashing = model_signing.hashing.Config().set_ignored_paths(paths=[model / ".complete"])
        model_signing.signing.Config().use_elliptic_key_signer(private_key=pem).set_hashing_config(hashing).sign(
            model, lib_sig)

    def cli_sign() -> None:
        subprocess.run([sys.executable, "-m", "model_signing", "sign", "key", str(model), "--private_key", str(pem),
                        "--signature", str(cli_sig), "--ignore-paths", str(model / ".complete")],
                       check=True, capture_output=True)

    def secplan_verify() -> None:
        verify_path(model, ours_sig.read_text(), public)

    def library_verify() -> None:
        model_signing.verifying.Config().use_elliptic_key_verifier(public_key=pub).verify(model, lib_sig)

    results = {}
    for label, fn in (("secplan sign (API)", secplan_sign), ("model_signing sign (API)", library_sign),
                      ("model_signing sign key (CLI)", cli_sign), ("secplan verify (API)", secplan_verify),
                      ("model_signing verify (API)", library_verify)):
        results[label] = best(fn, args.repeat)
    method = verify_path(model, ours_sig.read_text(), public).method
    print(f"model folder: {model.relative_to(ROOT)}: {total / MIB:.0f} MiB in {args.files} weight files + 2 small "
          f"files; {os.cpu_count()} CPUs; best of {args.repeat}; secplan serialization: {method}")
    for label, seconds in results.items():
        print(f"  {label:32s} {seconds:7.2f} s  {total / MIB / seconds:8.0f} MiB/s")
    sign_ratio = results["model_signing sign (API)"] / results["secplan sign (API)"]
    cli_ratio = results["model_signing sign key (CLI)"] / results["secplan sign (API)"]
    verify_ratio = results["model_signing verify (API)"] / results["secplan verify (API)"]
    print(f"ratio sign   model_signing API / secplan: {sign_ratio:.2f}x")
    print(f"ratio sign   model_signing CLI / secplan: {cli_ratio:.2f}x")
    print(f"ratio verify model_signing API / secplan: {verify_ratio:.2f}x")


if __name__ == "__main__":
    main()
