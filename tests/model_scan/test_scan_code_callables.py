"""Callables that run code or processes are ``unsafe``, whichever module exports them.

The cases come from the standard library's and torch's documentation: pagers (pydoc), helpers that
spawn commands (platform, uuid, mailcap), sub-interpreters, the import machinery and its internals,
compilers (compileall, py_compile, codeop, torch.compile, torch.fx code generation), code objects,
process pools, browsers, file helpers, and the same functions reached through re-exports and
attribute chains. Each is assembled as a pickle that would call it; nothing is ever loaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from secplan.model.scan import Verdict, scan_file

from .corpus import glob0, su

CALLABLES = [
    # pagers and help (pydoc runs $PAGER through a shell)
    "pydoc.pager", "pydoc.pipepager", "pydoc.tempfilepager", "pydoc.getpager", "pydoc.locate",
    "pydoc.importfile", "builtins.help", "_sitebuiltins._Helper", "builtins.license",
    # processes and platform helpers that spawn commands
    "subprocess.Popen", "subprocess.getoutput", "os.system", "os.popen", "os.execvp", "os.posix_spawn",
    "posix.system", "nt.system", "pty.spawn", "platform.popen", "platform._syscmd_ver", "platform.libc_ver",
    "uuid._get_command_stdout", "uuid._ifconfig_getnode", "mailcap.findmatch", "pipes.Template",
    "multiprocessing.Process", "multiprocessing.util.spawnv_passfds", "_posixsubprocess.fork_exec",
    "concurrent.futures.ProcessPoolExecutor", "asyncio.create_subprocess_shell", "_multiprocessing.SemLock",
    "webbrowser.open", "antigravity.fly", "ctypes.CDLL", "ctypes.util.find_library", "_ctypes.dlopen",
    # sub-interpreters
    "_xxsubinterpreters.run_string", "_interpreters.exec", "interpreters.create",
    "concurrent.interpreters.create", "_interpqueues.create",
    # compilers, code objects and interactive interpreters
    "builtins.compile", "builtins.exec", "builtins.eval", "codeop.compile_command", "code.InteractiveInterpreter",
    "code.interact", "compileall.compile_dir", "py_compile.compile", "types.CodeType", "types.FunctionType",
    "marshal.loads", "timeit.timeit", "doctest.run_docstring_examples", "pdb.run", "cProfile.run",
    "operator.call", "operator.methodcaller", "functools.reduce",
    # import machinery
    "importlib.import_module", "importlib.machinery.SourceFileLoader", "importlib.util.spec_from_file_location",
    "_frozen_importlib.BuiltinImporter", "_frozen_importlib_external.SourceFileLoader", "_imp.create_dynamic",
    "runpy.run_path", "runpy.run_module", "pkgutil.resolve_name", "zipimport.zipimporter",
    "pkg_resources.load_entry_point", "importlib_metadata.entry_points",
    # files, temporary files and archives
    "shutil.rmtree", "shutil.copyfile", "tempfile.mkdtemp", "tempfile.NamedTemporaryFile", "pathlib.Path.write_text",
    "pathlib.PosixPath.unlink", "gzip.open", "os.open",
    "linecache.getline", "codecs.open", "tokenize.open", "io.open", "netrc.netrc",
    # torch
    "torch.hub.load", "torch.utils.cpp_extension.load_inline", "torch._dynamo.eval_frame.optimize",
    "torch.compile", "torch.fx.graph_module.reduce_graph_module", "torch.fx.graph_module._forward_from_src",
    "torch.jit.load", "torch.package.PackageImporter", "torch.load", "torch.save", "torch.serialization.load",
    "torch.multiprocessing.spawn", "torch.distributed.rpc.rpc_sync", "torch.utils.model_zoo.load_url",
    "torch.utils.benchmark.Timer", "torch.library.Library", "torch._ops.ops", "torch._inductor.codecache.PyCodeCache",
    "torch.utils.data.DataLoader", "torch.testing._internal.common_utils.shell", "torch.export.load",
    "torch.onnx.export",
    # libraries' loaders and writers, reached through re-exports
    "numpy.core.multiarray.fromfile", "numpy.loadtxt", "numpy.lib._npyio_impl.load", "numpy.f2py.compile",
    "sklearn.utils._joblib.load", "scipy.io.loadmat", "scipy.LowLevelCallable",
    "transformers.dynamic_module_utils.get_class_from_dynamic_module", "huggingface_hub.hf_hub_download",
    "mypkg.io.load", "mypkg.helpers.system",
]


@pytest.mark.parametrize("dotted", CALLABLES)
def test_a_callable_that_runs_code_is_unsafe(tmp_path: Path, dotted: str) -> None:
    module, _, name = dotted.rpartition(".")
    path = tmp_path / "model.pkl"
    path.write_bytes(b"\x80\x02" + glob0(module, name) + su("x") + b"\x85R.")
    result = scan_file(path)
    assert result.verdict is Verdict.UNSAFE, [f.to_dict() for f in result.findings]
    (hit,) = [f for f in result.findings if f.rule == "pickle-dangerous-global"]
    assert hit.symbol == dotted


@pytest.mark.parametrize(("module", "chain"), [
    ("pandas", "DataFrame.to_pickle"), ("pandas", "DataFrame.query"), ("numpy", "ndarray.tofile"),
    ("torch", "fx.graph_module.reduce_graph_module"), ("sklearn", "utils._joblib.load"),
    ("collections", "os.system"), ("xgboost", "core.Booster.load_model.__globals__"),
])
def test_attribute_chains_reaching_such_a_callable_are_unsafe(tmp_path: Path, module: str, chain: str) -> None:
    path = tmp_path / "model.pkl"
    path.write_bytes(b"\x80\x04" + su(module) + su(chain) + b"\x93" + su("x") + b"\x85R.")
    assert scan_file(path).verdict is Verdict.UNSAFE


@pytest.mark.parametrize("dotted", ["mypkg.models.profile", "mypkg.models.code", "mypkg.layers.test"])
def test_a_plain_name_that_is_also_a_module_name_is_not_taken_for_the_module(tmp_path: Path, dotted: str) -> None:
    module, _, name = dotted.rpartition(".")
    path = tmp_path / "model.pkl"
    path.write_bytes(b"\x80\x02" + glob0(module, name) + b")R.")
    assert scan_file(path).verdict is Verdict.SUSPICIOUS  # off the allowlist, but not a known code runner
