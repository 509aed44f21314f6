"""Every rule the scanner reports, with the sentence a reader needs (SARIF rules, docs, tables)."""

from __future__ import annotations

RULES: dict[str, str] = {
    "pickle-dangerous-global": "The pickle imports a callable that runs code or reaches files, processes or the network.",
    "pickle-unknown-global": "The pickle imports a global that is not on the allowlist of what model checkpoints use.",
    "pickle-indirect-call": "The pickle calls something other than a named global (a trampoline hiding the callee).",
    "pickle-unresolved-global": "A STACK_GLOBAL takes its name from values computed at load time.",
    "pickle-nonstring-global": "A STACK_GLOBAL takes byte strings as its module and name.",
    "pickle-undecodable-global": "A GLOBAL names a module or attribute that is not valid UTF-8.",
    "pickle-mutates-global": "The pickle changes an imported module or class itself (monkey-patching at load time).",
    "pickle-extension-code": "The pickle imports through the copyreg extension registry, unknowable from the file.",
    "pickle-stacked": "The stream holds several pickles; all were analysed.",
    "pickle-malformed": "The bytes are not a pickle a real unpickler would accept.",
    "pickle-truncated": "The pickle ends before its STOP opcode.",
    "not-a-model": "The content is not in a model format the scanner analyses (an image, a document, an "
                   "executable, text named like a model).",
    "scan-limit": "A bound on size, opcodes or nesting was reached; the file could not be fully analysed.",
    "scan-error": "The file could not be analysed.",
    "container-bomb": "A compressed stream inflates past the size or ratio bound (decompression bomb).",
    "container-depth": "Containers are nested deeper than the scanner opens.",
    "zip-malformed": "The zip directory or a local header cannot be read.",
    "zip-name-mismatch": "A member's local header and central directory disagree on its name.",
    "zip-crc-mismatch": "A member's CRC does not match its data.",
    "zip-encrypted-flag": "A member is flagged encrypted: loaders read it in clear, or it is ciphertext that "
                          "cannot be analysed.",
    "zip-duplicate-name": "The archive lists the same member name more than once.",
    "zip-unsupported-member": "A zip member uses a compression method the scanner cannot read.",
    "numpy-malformed": "The .npy header is not what numpy writes.",
    "numpy-object-array": "An object array: its elements are stored as a pickle (analysed).",
    "keras-lambda": "A Keras Lambda layer carries Python code that runs when the model is loaded.",
    "keras-function": "A Keras config references a function outside Keras that is called on load.",
    "keras-custom-object": "A Keras config needs a custom class whose code runs on load.",
    "keras-malformed": "A Keras config cannot be read.",
    "hdf5-malformed": "The HDF5 file could not be parsed.",
    "onnx-external-data-outside": "An ONNX tensor reads external data from outside the model's directory.",
    "onnx-external-data-symlink": "An ONNX tensor reads external data through a symbolic link.",
    "onnx-external-data": "Raw tensor data that a scanned ONNX model reads (no code).",
    "onnx-custom-op-domain": "An ONNX operator comes from a custom domain that needs a native library.",
    "gguf-malformed": "The GGUF header is malformed or exceeds the parser's bounds.",
    "gguf-template-injection": "A GGUF chat template reaches attributes or globals a Jinja2 sandbox refuses.",
    "safetensors-malformed": "The safetensors header is malformed, out of bounds or inconsistent.",
}


def describe(rule: str) -> str:
    return RULES.get(rule, rule)
