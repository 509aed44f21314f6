"""Every rule the scanner reports, with the sentence a reader needs (SARIF rules, docs, tables)."""

from __future__ import annotations

from collections.abc import Iterator

from secplan import findings as common
from secplan.vocabulary import Severity

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
    "pickle-frame-mismatch": "FRAME lengths disagree with the bytes that follow: CPython's two unpicklers would "
                             "read different programs.",
    "pickle-malformed": "The bytes are not a pickle a real unpickler would accept.",
    "pickle-truncated": "The pickle ends before its STOP opcode.",
    "not-a-model": "The content is not in a model format the scanner analyses (an image, a document, an "
                   "executable, text named like a model).",
    "scan-limit": "A bound on size, memory, opcodes or nesting stopped the scan: the file was not fully scanned "
                  "and is not vouched for.",
    "scan-error": "The file could not be analysed.",
    "container-bomb": "A compressed stream inflates past the size or ratio bound (decompression bomb): not fully "
                      "scanned.",
    "container-depth": "Containers are nested deeper than the scanner opens: not fully scanned.",
    "zip-malformed": "The zip directory or a local header cannot be read.",
    "zip-name-mismatch": "A member's local header and central directory disagree on its name.",
    "zip-crc-mismatch": "A member's CRC does not match its data.",
    "zip-encrypted-flag": "A member is flagged encrypted: loaders read it in clear, or it is ciphertext that "
                          "cannot be analysed.",
    "archive-encrypted": "An archive is encrypted: its content cannot be analysed.",
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
    "tf-dangerous-op": "A TensorFlow graph uses an op that reads or writes files, calls Python or reaches the network.",
    "tf-malformed": "A TensorFlow SavedModel file cannot be read to the end.",
    "tflite-custom-op": "A TFLite model needs a custom op kernel that the host application registers.",
    "tflite-dangerous-op": "A TFLite Flex op runs a TensorFlow op that reaches files, Python or the network.",
    "tflite-malformed": "A TFLite flatbuffer has offsets or lengths outside the file.",
    "torchscript-call": "TorchScript code calls something outside TorchScript's builtins and the archive's own code.",
    "torchscript-custom-op": "TorchScript code calls an operator namespace that needs a native library.",
    "torchscript-malformed": "A TorchScript code file does not parse.",
    "lightgbm-malformed": "A LightGBM model's tree sizes, child or feature indices disagree with the model.",
    "catboost-malformed": "A CatBoost model's header or flatbuffer offsets are inconsistent.",
}


def describe(rule: str) -> str:
    return RULES.get(rule, rule)


#: Rules whose findings mean code runs on load (an unsafe verdict), and notes that are not problems.
UNSAFE = frozenset({"pickle-dangerous-global", "pickle-indirect-call", "pickle-mutates-global", "keras-lambda",
                    "keras-function", "onnx-external-data-outside", "container-bomb", "container-depth",
                    "scan-limit", "pickle-frame-mismatch", "pickle-unresolved-global", "tf-dangerous-op",
                    "tflite-dangerous-op", "torchscript-call"})
NOTES = frozenset({"pickle-stacked", "numpy-object-array", "onnx-external-data"})
LIMITS = frozenset({"scan-limit", "scan-error", "container-depth", "not-a-model"})

_DO_NOT_LOAD = ("Do not load the artifact. Obtain it from a trusted source or convert it to a data-only format "
                "(safetensors, ONNX, GGUF); extend the allowlist in `.secplan/model-scan-policy.yml` only for "
                "globals your team has reviewed.")
_ANALYSE = ("Treat the artifact as unverified until it is analysed: split or unpack it within the scanner's "
            "bounds, or convert it to a data-only format, and scan again.")


def remediation(rule: str) -> str:
    return _ANALYSE if rule in LIMITS else _DO_NOT_LOAD


def _severity(rule: str) -> Severity:
    if rule in UNSAFE:
        return Severity.CRITICAL
    if rule in NOTES:
        return Severity.INFO
    if rule == "not-a-model":
        return Severity.LOW
    return Severity.HIGH


def rules() -> Iterator[common.Rule]:
    """The scanner's rules in the one rule model. A finding's severity follows its verdict; the
    rule's is the one it usually has (SARIF shows the worst one a run saw)."""
    for rule_id, text in RULES.items():
        yield common.Rule(rule_id, text.rstrip("."), "MS-6", _severity(rule_id), description=text,
                          remediation=remediation(rule_id), tags=("model-scan",))
