"""Keras model configs (``.keras`` ``config.json``, ``.h5`` ``model_config``): code hides in layers.

A ``Lambda`` layer carries Python bytecode that Keras runs when the model is built; a layer from a
module that is not Keras is user code that must be importable and is run on load. Both can sit
anywhere: inside nested sub-models, wrappers (``TimeDistributed``, ``Bidirectional``) or lists.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from secplan.model.scan.policy import Policy
from secplan.model.scan.result import Finding, Verdict

MAX_NODES = 1_000_000
_KERAS_MODULE_ROOTS = ("keras", "tf_keras", "tensorflow.keras")
#: Functions a config may reference by name (activations, losses, initialisers).
_KERAS_FUNCTION_MODULES = ("keras.activations", "keras.losses", "keras.metrics", "keras.src.")


def _walk(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    stack: list[tuple[Any, str]] = [(node, path)]
    seen = 0
    while stack:
        item, where = stack.pop()
        seen += 1
        if seen > MAX_NODES:
            raise ValueError(f"config has more than {MAX_NODES} nodes")
        if isinstance(item, dict):
            if "class_name" in item:
                yield where, item
            for key, value in item.items():
                if isinstance(value, dict | list):
                    stack.append((value, f"{where}/{key}"))
        elif isinstance(item, list):
            for index, value in enumerate(item):
                if isinstance(value, dict | list):
                    stack.append((value, f"{where}[{index}]"))


def check_config(config: Any, policy: Policy, member: str | None) -> list[Finding]:
    """Findings for every Lambda, function reference and non-Keras class anywhere in ``config``."""
    findings: list[Finding] = []
    try:
        nodes = list(_walk(config, "$"))
    except ValueError as exc:
        return [Finding("scan-limit", Verdict.UNSAFE, f"not fully scanned: {exc}", member)]
    for where, node in nodes:
        cls = str(node.get("class_name"))
        module = node.get("module")
        registered = node.get("registered_name")
        if cls in {"Lambda", "TFOpLambda", "SlicingOpLambda"}:
            findings.append(Finding("keras-lambda", Verdict.UNSAFE,
                                    f"{cls} layer at {where}: Keras runs its serialized Python code on load",
                                    member, symbol=cls))
        elif cls == "function" or cls == "__lambda__":
            target = f"{module}.{node.get('config')}"
            if cls == "__lambda__" or not isinstance(module, str) or (not module.startswith(
                    _KERAS_FUNCTION_MODULES) and not policy.keras_module_allowed(module)):
                findings.append(Finding("keras-function", Verdict.UNSAFE,
                                        f"function reference {target} at {where}: loading calls it", member,
                                        symbol=target))
        elif isinstance(module, str) and not module.startswith(_KERAS_MODULE_ROOTS):
            verdict = Verdict.SAFE if policy.keras_module_allowed(module) else Verdict.SUSPICIOUS
            if verdict is Verdict.SUSPICIOUS:
                findings.append(Finding("keras-custom-object", verdict,
                                        f"custom class {module}.{cls} at {where}: its code runs on load",
                                        member, symbol=f"{module}.{cls}"))
        elif isinstance(registered, str) and ">" in registered and not policy.keras_module_allowed(
                registered.split(">")[0]):
            findings.append(Finding("keras-custom-object", Verdict.SUSPICIOUS,
                                    f"registered custom object {registered} at {where}", member,
                                    symbol=registered))
        elif module is None and not _builtin_keras_class(cls):
            findings.append(Finding("keras-custom-object", Verdict.SUSPICIOUS,
                                    f"unknown class {cls} at {where} (no module: needs custom code)", member,
                                    symbol=cls))
    return findings


def _builtin_keras_class(cls: str) -> bool:
    """Legacy (Keras 2 / h5) configs name classes without a module: accept the built-in ones."""
    return cls in _LEGACY_BUILTINS or cls.endswith(("Initializer",)) or cls in _LEGACY_EXTRA


_LEGACY_BUILTINS = frozenset(["Sequential", "Functional", "Model", "InputLayer", "Dense", "Dropout", "Flatten", "Reshape", "Permute", "RepeatVector", "Activation", "Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "SeparableConv1D", "SeparableConv2D", "DepthwiseConv1D", "DepthwiseConv2D", "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "BatchNormalization", "LayerNormalization", "GroupNormalization", "Embedding", "LSTM", "GRU", "SimpleRNN", "Bidirectional", "TimeDistributed", "RNN", "LSTMCell", "GRUCell", "SimpleRNNCell", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D", "UpSampling1D", "UpSampling2D", "UpSampling3D", "SpatialDropout1D", "SpatialDropout2D", "GaussianNoise", "GaussianDropout", "AlphaDropout", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "ThresholdedReLU", "Masking", "MultiHeadAttention", "Attention", "AdditiveAttention", "Normalization", "Rescaling", "Resizing", "CenterCrop", "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal", "LecunUniform", "LecunNormal", "Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal", "Orthogonal", "Identity", "VarianceScaling", "L1", "L2", "L1L2", "MaxNorm", "NonNeg", "UnitNorm", "MinMaxNorm", "Adam", "SGD", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "AdamW", "Ftrl", "DTypePolicy", "Policy"])
_LEGACY_EXTRA = frozenset({"EagerTensor", "__tensor__", "__numpy__", "__bytes__", "__typespec__", "__tuple__",
                           "__ellipsis__", "TensorShape", "SparseTensor", "RaggedTensor", "Variable"})
