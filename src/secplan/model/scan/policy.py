"""Which pickle globals, Keras classes and ONNX op domains a model may use.

Allowlist first: a global is *safe* only when a reviewed entry allows it, *unsafe* when it is (or can
reach) something that runs code, touches files, processes or the network, and *suspicious* otherwise.
The dangerous list is checked before the allowlist, so that no allow entry (built in or from a
user's policy file) can make ``os.system`` safe. Users extend the allowlist with a policy file
(:func:`load_policy`); they cannot shrink the dangerous list.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from secplan.errors import InputError


class Judgement(StrEnum):
    SAFE = "safe"
    SUSPICIOUS = "suspicious"
    UNSAFE = "unsafe"


#: Patterns ``module:name`` (fnmatch; ``*`` in the module spans dots). Reviewed against what real
#: checkpoints contain: see tests/model_scan/test_benign.py, which builds them with the real libraries.
DEFAULT_ALLOW: tuple[str, ...] = (
    # Python containers and value types that real checkpoints and estimators use.
    "builtins:set", "builtins:frozenset", "builtins:slice", "builtins:range", "builtins:complex",
    "builtins:bytearray", "builtins:bytes", "builtins:int", "builtins:float", "builtins:str",
    "builtins:bool", "builtins:tuple", "builtins:list", "builtins:dict", "builtins:object",
    "_codecs:encode",
    "functools:partial",  # holds its function: judged as a value, and calling a partial is an indirect call
    "collections:OrderedDict", "collections:defaultdict", "collections:deque", "collections:Counter",
    "copyreg:_reconstructor", "copyreg:__newobj__", "copyreg:__newobj_ex__",
    "datetime:datetime", "datetime:date", "datetime:time", "datetime:timedelta", "datetime:timezone",
    "re:_compile",  # how a compiled regular expression pickles: the pattern and its flags
    "decimal:Decimal", "fractions:Fraction", "uuid:UUID", "uuid:SafeUUID", "argparse:Namespace",
    # paths are values (a checkpoint's saved arguments); their I/O methods are dangerous names
    "pathlib:Path", "pathlib:PosixPath", "pathlib:WindowsPath", "pathlib:PurePath", "pathlib:PurePosixPath",
    "pathlib:PureWindowsPath", "pathlib._local:*Path",
    # numpy arrays, scalars, dtypes and random state.
    "numpy:ndarray", "numpy:dtype",
    "numpy.core.multiarray:_reconstruct", "numpy._core.multiarray:_reconstruct",
    "numpy.core.multiarray:scalar", "numpy._core.multiarray:scalar",
    "numpy.core.numeric:_frombuffer", "numpy._core.numeric:_frombuffer",
    "numpy.dtypes:[A-Z]*DType", "numpy.ma.core:_mareconstruct", "numpy.ma.core:MaskedArray",
    "numpy.ma:MaskedArray", "numpy.ma.core:MaskedConstant", "numpy.ma.core:mvoid",
    "numpy.random._pickle:__randomstate_ctor", "numpy.random._pickle:__bit_generator_ctor",
    "numpy.random._pickle:__generator_ctor",
    "numpy.random.mtrand:RandomState", "numpy.random._generator:Generator",
    "numpy.random._mt19937:MT19937", "numpy.random._pcg64:PCG64", "numpy.random._pcg64:PCG64DXSM",
    "numpy.random.*:__pyx_unpickle_*", "numpy.random._philox:Philox", "numpy.random._sfc64:SFC64", "numpy.random.bit_generator:SeedSequence",
    # PyTorch tensors, storages, parameters, modules and optimizers.
    "torch._utils:_rebuild_tensor", "torch._utils:_rebuild_tensor_v2", "torch._utils:_rebuild_tensor_v3",
    "torch._utils:_rebuild_parameter", "torch._utils:_rebuild_parameter_with_state",
    "torch._utils:_rebuild_qtensor", "torch._utils:_rebuild_sparse_tensor",
    "torch._utils:_rebuild_nested_tensor", "torch._utils:_rebuild_device_tensor_from_numpy",
    "torch._utils:_rebuild_meta_tensor_no_storage", "torch._utils:_rebuild_wrapper_subclass",
    "torch._tensor:_rebuild_from_type_v2", "torch:Tensor", "torch:Size", "torch:device",
    "torch:*Storage", "torch.storage:UntypedStorage", "torch.storage:TypedStorage",
    "torch:float*", "torch:bfloat16", "torch:half", "torch:double", "torch:int*", "torch:uint*",
    "torch:long", "torch:short", "torch:bool", "torch:complex*", "torch:cfloat", "torch:cdouble",
    "torch:qint*", "torch:quint*", "torch:strided", "torch:sparse_coo", "torch:sparse_csr",
    "torch:contiguous_format", "torch:channels_last", "torch:channels_last_3d", "torch:preserve_format",
    "torch:per_tensor_affine", "torch:per_channel_affine",
    "torch.nn.parameter:Parameter", "torch.nn.parameter:Buffer",
    "torch.nn.modules.*:[A-Z]*", "torch.optim.*:[A-Z]*",
    # scikit-learn estimators and the helpers their pickles use.
    "sklearn.*:[A-Z]*", "sklearn.*:_[A-Z]*", "sklearn.*:__pyx_unpickle_*",
    "sklearn.neighbors._*:newObj", "sklearn.metrics._dist_metrics:newObj",  # Cython trees: obj.__new__(obj)
    # scipy containers that fitted estimators hold (sparse matrices, splines).
    "scipy.sparse._*:*_matrix", "scipy.sparse._*:*_array",
    "scipy.interpolate._*:BSpline", "scipy.interpolate._*:PPoly", "scipy.interpolate._*:CubicSpline",
    "torch.torch_version:TorchVersion",  # torch.__version__, a str subclass
    "torch.amp.grad_scaler:GradScaler", "torch.cuda.amp.grad_scaler:GradScaler",
    # XGBoost estimators and boosters (the booster state is raw bytes).
    "xgboost.sklearn:[A-Z]*", "xgboost.core:Booster",
    # LightGBM estimators and boosters (the booster state is its text model) and its callbacks' state.
    "lightgbm.sklearn:LGBMModel", "lightgbm.sklearn:LGBMClassifier", "lightgbm.sklearn:LGBMRegressor",
    "lightgbm.sklearn:LGBMRanker", "lightgbm.basic:Booster", "lightgbm.callback:_*Callback",
    # CatBoost estimators (the state is the .cbm model as bytes) and their enums.
    "catboost.core:CatBoost", "catboost.core:CatBoostClassifier", "catboost.core:CatBoostRegressor",
    "catboost.core:CatBoostRanker", "catboost.core:EFstrType", "catboost.core:EShapCalcType",
    "catboost.core:EFeaturesSelectionAlgorithm",
    # pandas frames, indexes and their internal rebuild helpers.
    "pandas:[A-Z]*", "pandas.arrays:[A-Z]*", "pandas.core.*:[A-Z]*", "pandas._libs.*:[A-Z]*",
    "pyarrow.lib:_restore_array", "pyarrow.lib:type_for_alias", "pyarrow.lib:py_buffer",
    "pandas._libs.internals:_unpickle_block", "pandas.core.internals.blocks:new_block",
    "pandas.core.indexes.base:_new_Index", "pandas.core.indexes.period:_new_PeriodIndex",
    "pandas.core.indexes.*:_new_*Index",
    "pandas._libs.arrays:__pyx_unpickle_NDArrayBacked", "pandas._libs.*:__pyx_unpickle_*", "pandas._libs.tslibs.*:_unpickle_*",
    "pandas._libs.tslibs.timestamps:_unpickle_timestamp", "pandas._libs.tslibs.timedeltas:_timedelta_unpickle",
    # joblib's inline numpy arrays.
    "joblib.numpy_pickle:NumpyArrayWrapper",
    # transformers training arguments (training_args.bin), their enums and configs.
    "transformers.training_args:[A-Z]*", "transformers.training_args_seq2seq:[A-Z]*",
    "transformers.trainer_utils:[A-Z]*", "transformers.debug_utils:DebugOption",
    "transformers.utils.generic:[A-Z]*", "transformers.trainer_pt_utils:AcceleratorConfig",
    "transformers.generation.configuration_utils:GenerationConfig",
    "transformers.generation.configuration_utils:GenerationMode",
    "transformers.integrations.deepspeed:HfTrainerDeepSpeedConfig", "transformers.deepspeed:HfTrainerDeepSpeedConfig",
    # accelerate's process state and configuration dataclasses (held by training arguments, checkpoints).
    "accelerate.state:PartialState", "accelerate.state:AcceleratorState", "accelerate.state:GradientState",
    "accelerate.utils.dataclasses:[A-Z]*", "accelerate.parallelism_config:ParallelismConfig",
    # peft adapter configs and their enums.
    "peft.tuners.*.config:[A-Z]*Config", "peft.utils.peft_types:PeftType", "peft.utils.peft_types:TaskType",
    "peft.config:PeftConfig", "peft.config:PromptLearningConfig",
    # Lightning checkpoints: hyper-parameters (and the omegaconf containers Hydra users pass).
    "lightning.fabric.utilities.data:AttributeDict", "lightning_fabric.utilities.data:AttributeDict",
    "pytorch_lightning.utilities.parsing:AttributeDict", "lightning.pytorch.utilities.parsing:AttributeDict",
    "lightning.pytorch.trainer.states:[A-Z]*", "pytorch_lightning.trainer.states:[A-Z]*",
    "omegaconf.dictconfig:DictConfig", "omegaconf.listconfig:ListConfig", "omegaconf.base:ContainerMetadata",
    "omegaconf.base:Metadata", "omegaconf.nodes:[A-Z]*Node", "typing:Any",
)

#: Libraries whose functions and classes a pickle may hold as plain values without calling them: an
#: estimator's ``score_func=f_classif``, ``pooling_func=numpy.mean`` or ``dtype=numpy.float64``.
#: Holding is not calling; the dangerous list still wins, so ``numpy.load`` held as a value is unsafe.
REFERENCE_OK: tuple[str, ...] = (
    "numpy:*", "numpy.*:*", "scipy.*:*", "sklearn.*:*", "pandas:*", "pandas.*:*", "torch:*",
    "torch.nn.*:*", "xgboost.*:*", "lightgbm.*:*", "catboost.*:*", "builtins:*", "math:*",
    "operator:*", "_operator:*", "functools:partial", "collections:*",
)

#: Everything that runs code, loads more pickles, or reaches files, processes or the network.
#: A global is dangerous when its dotted path, or any attribute chain inside it, starts with one of these.
DANGEROUS: tuple[str, ...] = (
    # code execution and import machinery
    "builtins.eval", "builtins.exec", "builtins.compile", "builtins.__import__", "builtins.open",
    "builtins.getattr", "builtins.setattr", "builtins.delattr", "builtins.globals", "builtins.locals",
    "builtins.vars", "builtins.input", "builtins.breakpoint", "builtins.help", "builtins.exit",
    "builtins.quit", "builtins.__build_class__", "builtins.__loader__", "builtins.memoryview",
    "runpy", "importlib", "imp", "pkgutil", "zipimport", "types", "code", "codeop", "marshal",
    "inspect", "gc", "timeit", "trace", "profile", "cProfile", "pdb", "bdb", "doctest", "idlelib",
    "lib2to3", "unittest", "atexit", "site", "sysconfig", "ensurepip", "venv", "pip", "setuptools",
    "distutils", "operator.attrgetter", "operator.methodcaller", "_operator.attrgetter",
    "_operator.methodcaller", "functools.reduce", "_functools.reduce",
    # processes and the interpreter
    "os", "posix", "nt", "subprocess", "_posixsubprocess", "sys", "pty", "tty", "signal", "multiprocessing",
    "threading", "_thread", "asyncio", "concurrent", "ctypes", "_ctypes", "cffi", "resource", "mmap",
    "fcntl", "termios", "platform",
    # deserialisers that would load another untrusted payload
    "pickle", "_pickle", "cPickle", "pickletools", "dill", "cloudpickle", "shelve",
    "joblib.load", "joblib.numpy_pickle.load", "joblib.memory", "joblib.Memory", "joblib.parallel",
    "joblib.Parallel", "numpy.load", "numpy.lib.npyio", "numpy.lib.format", "numpy.testing",
    "numpy.f2py", "numpy.distutils", "numpy.ctypeslib", "numpy.fromfile", "numpy.memmap",
    "torch.load", "torch.serialization", "torch.storage._load_from_bytes", "torch.hub", "torch.jit",
    "torch.package", "torch.utils.cpp_extension", "torch._inductor", "torch.utils.collect_env",
    "torch.utils.bottleneck", "torch._dynamo", "torch.ops", "torch.classes", "torch._C", "torch.from_file",
    "pandas.read_pickle", "pandas.io", "pandas.eval", "pandas.core.computation", "pandas.read_*",
    "sklearn.utils._testing", "sklearn.datasets", "sklearn.externals", "pandas.HDFStore", "pandas.ExcelWriter", "pandas.ExcelFile", "pandas.to_pickle",
    "keras", "tensorflow", "tf_keras", "yaml", "jinja2", "mako", "sympy", "numexpr",
    # files, archives and logging handlers that create files
    "io", "_io", "shutil", "tempfile", "glob", "fileinput", "zipfile", "tarfile", "gzip", "bz2", "lzma",
    "sqlite3", "dbm", "logging", "filecmp",
    # network
    "socket", "_socket", "ssl", "select", "selectors", "socketserver", "http", "urllib", "urllib3",
    "requests", "httpx", "aiohttp", "ftplib", "smtplib", "smtpd", "poplib", "imaplib", "telnetlib",
    "nntplib", "xmlrpc", "webbrowser", "email.utils",
    # pagers, sub-interpreters, compilers and the import machinery's internals (stdlib)
    "pydoc", "_sitebuiltins", "builtins.copyright", "builtins.credits", "builtins.license",
    "_xxsubinterpreters", "_interpreters", "interpreters", "_xxinterpchannels", "_interpchannels",
    "_interpqueues", "compileall", "py_compile", "_frozen_importlib", "_frozen_importlib_external", "_imp",
    "_bootstrap", "_bootstrap_external", "pkg_resources", "importlib_metadata", "importlib_resources",
    "operator.call", "_operator.call", "cmd", "readline", "rlcompleter", "_pyrepl", "curses", "_curses",
    "tkinter", "_tkinter", "turtle", "turtledemo", "antigravity", "zipapp", "test",
    # processes, shared memory and platform helpers that spawn commands
    "_multiprocessing", "_posixshmem", "_winapi", "msvcrt", "winreg", "_winreg", "mailcap", "pipes",
    "_osx_support", "_aix_support", "uuid._*", "uuid.getnode", "faulthandler",
    # files (reading ones counts: credentials, keys)
    "linecache", "tokenize.open", "codecs.open", "netrc", "getpass", "pstats", "cgi", "cgitb",
    "wsgiref", "xml.sax", "xml.dom", "xml.etree.ElementTree.parse", "xml.etree.ElementTree.iterparse",
    "xml.etree.ElementInclude",
    # torch: compilers and code generation, processes, files, the network, native libraries
    "torch.save", "torch.compile", "torch.compiler", "torch.fx", "torch.ao.quantization.fx", "torch.export",
    "torch._export", "torch.onnx", "torch.distributed", "torch.multiprocessing", "torch.testing",
    "torch.utils.tensorboard", "torch.utils.model_zoo", "torch.utils.benchmark", "torch.utils.data",
    "torch.utils._config_module", "torch.library", "torch._library", "torch._ops", "torch._jit_internal",
    "torch._higher_order_ops", "torch._functorch", "torch._lazy", "torch._logging", "torch.profiler",
    "torch.autograd.profiler", "torch._utils_internal",
    # numpy, scipy and the ML libraries: files, native code, the network, remote code
    "numpy.loadtxt", "numpy.genfromtxt", "numpy.save", "numpy.savez", "numpy.savez_compressed",
    "numpy.savetxt", "numpy.fromregex", "numpy.DataSource", "numpy.lib._datasource", "numpy.lib._npyio_impl",
    "numpy.lib.utils", "numpy.lib._utils_impl", "numpy.lib._format_impl", "numpy.rec.fromfile",
    "numpy.core.records.fromfile", "numpy._core.records.fromfile", "numpy.core._internal",
    "numpy._core._internal", "numpy._pytesttester", "scipy.io", "scipy.weave", "scipy.LowLevelCallable",
    "scipy._lib._ccallback", "scipy._lib._testutils", "sklearn.utils._joblib", "sklearn.utils.parallel",
    "sklearn.utils._show_versions", "xgboost.core._load_lib", "xgboost.libpath", "xgboost.collective",
    "xgboost.tracker", "xgboost.dask", "xgboost.spark", "lightgbm.basic._load_lib", "lightgbm.libpath",
    "lightgbm.dask", "transformers.dynamic_module_utils", "huggingface_hub", "datasets.load",
    "datasets.load_dataset", "accelerate.commands", "accelerate.launchers",
)

#: Attribute names that run code, start processes, load more payloads or reach files or the network
#: wherever they are defined: the last name of a global or of any attribute chain
#: (``pandas.DataFrame.to_pickle``, ``sklearn.utils._joblib.load``, ``numpy.core.multiarray.fromfile``).
DANGEROUS_NAMES = frozenset({
    "system", "popen", "popen2", "popen3", "popen4", "spawn", "spawnl", "spawnle", "spawnlp", "spawnv",
    "spawnve", "spawnvp", "posix_spawn", "posix_spawnp", "execl", "execle", "execlp", "execv", "execve",
    "execvp", "fork", "forkpty", "startfile", "run_string", "run_path", "run_module", "exec_module",
    "load_module", "import_module", "load_library", "load_inline", "load", "loads", "load_pickle",
    "read_pickle", "to_pickle", "loadtxt", "genfromtxt", "fromfile", "fromregex", "tofile", "save", "savez",
    "savetxt", "to_csv", "to_parquet", "to_hdf", "to_sql", "to_excel", "to_json", "to_feather", "to_orc",
    "to_stata", "urlopen", "urlretrieve", "download_url_to_file", "load_state_dict_from_url", "load_url",
    "from_pretrained", "pager", "pipepager", "tempfilepager", "open_new", "open_new_tab", "rmtree", "unlink",
    "rmdir", "removedirs", "write_text", "write_bytes", "read_text", "read_bytes", "eval", "exec", "query",
    "open", "touch", "mkdir", "makedirs", "chmod", "chown", "rename", "symlink_to", "hardlink_to", "symlink",
    "load_model", "save_model", "load_state", "save_state", "save_pretrained", "load_from_checkpoint",
})


#: Reviewed names inside dangerous modules that do nothing but look a value up.
DANGEROUS_EXCEPTIONS = frozenset({
    "torch.serialization._get_layout",  # a torch.layout from its name (sparse tensors in torch.save)
    "types.SimpleNamespace",  # an attribute bag (saved configs), what argparse.Namespace is to argparse
})


#: What the TorchScript unpickler resolves by itself inside a ``torch.jit.save`` archive: the list and
#: type-tag builders (C++ builtins there, no Python import) and the classes compiled from the
#: archive's own code files, which are analysed as code.
TORCHSCRIPT_REVIEWED = frozenset({f"torch.jit._pickle.{name}" for name in (
    "build_intlist", "build_tensorlist", "build_doublelist", "build_boollist", "build_tensor_from_id",
    "restore_type_tag")})
TORCHSCRIPT_ALLOW = ("__torch__:[A-Za-z_]*", "__torch__.*:[A-Za-z_]*")


@dataclass(frozen=True)
class Policy:
    allow: tuple[str, ...] = DEFAULT_ALLOW
    keras_modules: tuple[str, ...] = ()
    onnx_domains: tuple[str, ...] = ()
    reviewed: frozenset[str] = DANGEROUS_EXCEPTIONS
    """Exact names inside dangerous modules that only look a value up (checked before the dangerous list)."""
    _cache: dict[str, tuple[Judgement, str]] = field(default_factory=dict, compare=False, repr=False)

    def judge(self, module: str, name: str) -> tuple[Judgement, str]:
        """Classify the global ``module.name`` (``name`` may be a dotted attribute chain); return why."""
        key = f"{module}:{name}"
        cached = self._cache.get(key)
        if cached is None:
            cached = self._judge(module, name)
            if len(self._cache) < 100_000:
                self._cache[key] = cached
        return cached

    def _judge(self, module: str, name: str) -> tuple[Judgement, str]:
        parts = name.split(".")
        if any(_is_dunder(p) and p not in _HARMLESS_DUNDERS for p in parts) or module == "__builtin__":
            return Judgement.UNSAFE, "reaches interpreter internals through a dunder attribute"
        fq = f"{module}.{name}"
        if fq in self.reviewed:
            return Judgement.SAFE, "a reviewed lookup helper"
        # An attribute chain of two names or more can reach a module (``torch`` + ``os.system``); one
        # name alone is judged by DANGEROUS_NAMES, so a class attribute called ``profile`` is not ``profile``.
        for candidate in [fq] + [".".join(parts[i:]) for i in range(len(parts) - 1)]:
            hit = _dangerous_prefix(candidate)
            if hit:
                return Judgement.UNSAFE, f"{hit} can run code or reach files, processes or the network"
        if parts[-1] in DANGEROUS_NAMES:
            return Judgement.UNSAFE, (f"{parts[-1]} is a name that runs code, loads more payloads or reaches "
                                      "files, processes or the network wherever it is defined")
        for pattern in self.allow:
            if _allow_match(pattern, module, name):
                return Judgement.SAFE, f"allowed by {pattern}"
        return Judgement.SUSPICIOUS, "not on the allowlist of globals that model checkpoints use"

    def referenced_safely(self, module: str, name: str) -> bool:
        """A global off the allowlist that a pickle only holds as a value (never calls) is harmless
        when it belongs to one of the :data:`REFERENCE_OK` libraries."""
        return "." not in name and any(_allow_match(p, module, name) for p in REFERENCE_OK)

    def for_torchscript(self) -> Policy:
        """This policy inside a TorchScript archive, whose unpickler knows its own builders and classes."""
        return Policy(self.allow + TORCHSCRIPT_ALLOW, self.keras_modules, self.onnx_domains,
                      self.reviewed | TORCHSCRIPT_REVIEWED)

    def keras_module_allowed(self, module: str) -> bool:
        return any(module == m or module.startswith(m + ".") for m in self.keras_modules)


_HARMLESS_DUNDERS = {"__newobj__", "__newobj_ex__"}


def _is_dunder(part: str) -> bool:
    return len(part) > 4 and part.startswith("__") and part.endswith("__")


def _dangerous_prefix(dotted: str) -> str | None:
    for entry in DANGEROUS:
        if "*" in entry:
            if fnmatch.fnmatchcase(dotted, entry):
                return entry
        elif dotted == entry or dotted.startswith(entry + "."):
            return entry
    return None


def _allow_match(pattern: str, module: str, name: str) -> bool:
    mod_pat, _, name_pat = pattern.partition(":")
    if not name_pat:
        return False
    if "." in name and "." not in name_pat:
        return False  # a wildcard never spans an attribute chain
    return fnmatch.fnmatchcase(module, mod_pat) and fnmatch.fnmatchcase(name, name_pat)


DEFAULT_POLICY = Policy()


def load_policy(path: Path | None) -> Policy:
    """The default policy, extended by the file at ``path`` (YAML or JSON) when given."""
    if path is None:
        return DEFAULT_POLICY
    from secplan.model.scan.policy_file import PolicyFile
    from secplan.yamlfile import load_yaml_model

    parsed = load_yaml_model(path, PolicyFile, what="scan policy", empty_ok=True)
    for entry in parsed.allow:
        if ":" not in entry or not entry.partition(":")[2]:
            raise InputError(f"{path}: allow entry {entry!r} must be 'module:name' (patterns allowed)")
    return Policy(allow=DEFAULT_ALLOW + tuple(parsed.allow), keras_modules=tuple(parsed.keras_modules),
                  onnx_domains=tuple(parsed.onnx_domains))
