"""Container runtime settings wherever they are written: Kubernetes pod specs (every workload kind,
pod templates inside custom resources, init and ephemeral containers), compose services and
``docker run`` / ``podman run`` command lines.

One rule per setting, the same rule in every place: host namespaces, privileged mode, root users,
added capabilities and privilege escalation, and the container runtime's socket mounted inside.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from typing import Any

from secplan.platform.config.locate import YamlLines
from secplan.platform.findings import Finding, finding

RUNTIME_SOCKETS = re.compile(
    r"^/(?:var/)?run/(?:docker|containerd/containerd|crio/crio|podman/podman|buildkit/buildkitd|dockershim)\.sock$"
    r"|^/var/run/docker$|^/(?:var/)?run/containerd$|^/var/lib/docker$")
"""Paths that hand a container the runtime's API (root on the host)."""
DANGEROUS_CAPABILITIES = {"ALL", "SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "NET_ADMIN", "DAC_READ_SEARCH", "BPF",
                          "SYS_RAWIO", "PERFMON"}
HOST_NAMESPACES = {"hostNetwork": "network", "hostPID": "PID", "hostIPC": "IPC"}
CONTAINER_LISTS = ("initContainers", "containers", "ephemeralContainers")


def is_socket(path: Any) -> bool:
    return isinstance(path, str) and bool(RUNTIME_SOCKETS.match(path.rstrip("/") or "/"))


def _capabilities(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return [str(c).upper().removeprefix("CAP_") for c in items if str(c).upper().removeprefix("CAP_") in
            DANGEROUS_CAPABILITIES]


# -- Kubernetes --------------------------------------------------------------------------------------

def pod_specs(doc: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(key path, pod spec) of every pod spec in a document: a mapping with a ``containers`` list
    of mappings, wherever it sits (a Deployment's template, a CronJob's job template, a PodTemplate,
    a KServe predictor, a Ray or PyTorchJob replica). Iterative, so depth costs no recursion."""
    stack = [(path, doc)]
    while stack:
        where, node = stack.pop()
        if isinstance(node, dict):
            containers = node.get("containers")
            if isinstance(containers, list) and any(isinstance(c, dict) for c in containers):
                yield where, node
                continue
            stack.extend(((*where, k), v) for k, v in reversed(list(node.items())) if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(((*where, i), v) for i, v in reversed(list(enumerate(node))) if isinstance(v, dict | list))


def containers(spec: dict[str, Any]) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """(path inside the spec, container) of every container, init and ephemeral container."""
    for key in CONTAINER_LISTS:
        for index, container in enumerate(spec.get(key) or []):
            if isinstance(container, dict):
                yield (key, index), container


def check_pod_spec(spec: dict[str, Any], base: tuple[Any, ...], lines: YamlLines, what: str,
                   path: str) -> Iterator[Finding]:
    """The runtime settings of one pod spec at ``base`` in its document."""
    def at(*rel: Any) -> int | None:
        return lines.at(*base, *rel)

    for key, namespace in HOST_NAMESPACES.items():
        if spec.get(key) is True:
            yield finding("container-host-namespace", path, at(key),
                          f"{what} shares the host's {namespace} namespace ({key}: true)")
    for index, volume in enumerate(spec.get("volumes") or []):
        host = volume.get("hostPath") if isinstance(volume, dict) else None
        source = host.get("path") if isinstance(host, dict) else None
        if is_socket(source):
            yield finding("container-socket-mount", path, at("volumes", index, "hostPath", "path"),
                          f"{what} mounts the container runtime socket {source} (hostPath volume "
                          f"{volume.get('name', '?')})")
    pod_ctx = spec.get("securityContext") if isinstance(spec.get("securityContext"), dict) else {}
    for rel, container in containers(spec):
        cname = f"{what} container {container.get('name', '?')}"
        ctx = container.get("securityContext") if isinstance(container.get("securityContext"), dict) else {}
        if ctx.get("privileged") is True:
            yield finding("container-privileged", path, at(*rel, "securityContext", "privileged"),
                          f"{cname} is privileged (privileged: true): every device and capability of the host")
        if ctx.get("allowPrivilegeEscalation") is True:
            yield finding("container-privilege-escalation", path,
                          at(*rel, "securityContext", "allowPrivilegeEscalation"),
                          f"{cname} allows privilege escalation (allowPrivilegeEscalation: true)")
        caps = ctx.get("capabilities") if isinstance(ctx.get("capabilities"), dict) else {}
        added = _capabilities(caps.get("add"))
        if added:
            yield finding("container-privilege-escalation", path, at(*rel, "securityContext", "capabilities", "add"),
                          f"{cname} adds capabilities {', '.join(added)}")
        yield from _root(ctx, pod_ctx, rel, base, lines, cname, path)


def _root(ctx: dict[str, Any], pod_ctx: dict[str, Any], rel: tuple[Any, ...], base: tuple[Any, ...],
          lines: YamlLines, cname: str, path: str) -> Iterator[Finding]:
    """Root unless runAsNonRoot is true or a non-zero runAsUser is set (container over pod)."""
    user_at = (*rel, "securityContext", "runAsUser") if "runAsUser" in ctx else ("securityContext", "runAsUser")
    user = ctx.get("runAsUser", pod_ctx.get("runAsUser"))
    non_root = ctx.get("runAsNonRoot", pod_ctx.get("runAsNonRoot"))
    if user == 0:
        yield finding("container-runs-as-root", path, lines.at(*base, *user_at), f"{cname} runs as root (runAsUser: 0)")
    elif non_root is False:
        where = (*rel, "securityContext", "runAsNonRoot") if "runAsNonRoot" in ctx else ("securityContext", "runAsNonRoot")
        if not (isinstance(user, int) and user > 0):
            yield finding("container-runs-as-root", path, lines.at(*base, *where),
                          f"{cname} may run as root (runAsNonRoot: false and no non-zero runAsUser)")
    elif non_root is not True and not (isinstance(user, int) and user > 0):
        yield finding("container-runs-as-root", path, lines.at(*base, *rel),
                      f"{cname} may run as root (neither runAsNonRoot: true nor a non-zero runAsUser)")


# -- compose -----------------------------------------------------------------------------------------

def check_compose_service(name: str, svc: dict[str, Any], lines: YamlLines, path: str) -> Iterator[Finding]:
    """One compose service (Compose specification: services.<name>)."""
    def at(*rel: Any) -> int | None:
        return lines.at("services", name, *rel)

    what = f"service {name}"
    if svc.get("privileged") is True:
        yield finding("container-privileged", path, at("privileged"), f"{what} is privileged (privileged: true)")
    for key, namespace in (("network_mode", "network"), ("pid", "PID"), ("ipc", "IPC"), ("userns_mode", "user"),
                           ("uts", "UTS")):
        if str(svc.get(key) or "").lower() == "host":
            yield finding("container-host-namespace", path, at(key),
                          f"{what} shares the host's {namespace} namespace ({key}: host)")
    user = str(svc.get("user") or "").split(":")[0]
    if user in ("root", "0"):
        yield finding("container-runs-as-root", path, at("user"), f"{what} runs as root (user: {svc.get('user')})")
    added = _capabilities(svc.get("cap_add"))
    if added:
        yield finding("container-privilege-escalation", path, at("cap_add"), f"{what} adds capabilities {', '.join(added)}")
    for index, opt in enumerate(svc.get("security_opt") or []):
        if re.match(r"(?:seccomp|apparmor)[:=]unconfined$|no-new-privileges[:=]false$", str(opt)):
            yield finding("container-privilege-escalation", path, at("security_opt", index),
                          f"{what} sets security_opt {opt}")
    for index, volume in enumerate(svc.get("volumes") or []):
        source = _volume_source(volume)
        if is_socket(source):
            yield finding("container-socket-mount", path, at("volumes", index),
                          f"{what} mounts the container runtime socket {source}")


def _volume_source(volume: Any) -> str | None:
    """The host path of a compose volume: short syntax ``SRC:DST[:MODE]`` or long syntax."""
    if isinstance(volume, dict):
        return str(volume.get("source")) if volume.get("type", "bind") == "bind" and volume.get("source") else None
    parts = str(volume).split(":")
    return parts[0] if len(parts) >= 2 else None


# -- docker run --------------------------------------------------------------------------------------

RUN_COMMAND = re.compile(r"(?:^|[\s;&|(`])(?:sudo\s+)?(docker|podman|nerdctl)\s+(?:container\s+)?(run|create)\s")
_BOOLEAN = {"--privileged", "--rm", "-d", "--detach", "-i", "--interactive", "-t", "--tty", "--init", "-P",
            "--publish-all", "--read-only", "--no-healthcheck", "--oom-kill-disable", "--sig-proxy", "-q", "--quiet"}


def check_run_command(command: str, path: str, at: Callable[[str | None], int | None]) -> Iterator[Finding]:
    """``docker run`` (podman, nerdctl; ``container run``, ``create``) options before the image."""
    for match in RUN_COMMAND.finditer(command):
        yield from _run_options(command[match.end():], match.group(1), path, at)


def _tokens(text: str) -> list[str]:
    try:
        return shlex.split(text, comments=False)
    except ValueError:
        return text.split()


def _run_options(rest: str, tool: str, path: str, at: Callable[[str | None], int | None]) -> Iterator[Finding]:
    tokens = _tokens(rest)
    i = 0
    what = f"{tool} run"
    while i < len(tokens):
        token = tokens[i]
        if token in ("&&", ";", "|", "||") or not token.startswith("-"):
            return
        name, eq, value = token.partition("=")
        if not eq and name not in _BOOLEAN and not re.fullmatch(r"-[a-zA-Z]{2,}", name):
            value = tokens[i + 1] if i + 1 < len(tokens) else ""
            i += 1
        elif re.fullmatch(r"-[a-zA-Z]{2,}", name):  # -it, -dit: combined boolean flags
            name, value = name, ""
        i += 1
        if name == "--privileged" and value.lower() not in ("false",):
            yield finding("container-privileged", path, at("--privileged"), f"{what} --privileged")
        elif name in ("--network", "--net", "--pid", "--ipc", "--uts", "--userns") and value.lower() == "host":
            yield finding("container-host-namespace", path, at(name),
                          f"{what} {name}=host shares the host's namespace")
        elif name in ("-u", "--user") and value.split(":")[0] in ("root", "0"):
            yield finding("container-runs-as-root", path, at(name), f"{what} {name} {value} runs as root")
        elif name == "--cap-add" and _capabilities(value):
            yield finding("container-privilege-escalation", path, at(name), f"{what} --cap-add {value}")
        elif name == "--security-opt" and re.match(r"(?:seccomp|apparmor)[:=]unconfined$", value):
            yield finding("container-privilege-escalation", path, at(name), f"{what} --security-opt {value}")
        elif name in ("-v", "--volume") and is_socket(value.split(":")[0]):
            yield finding("container-socket-mount", path, at(value.split(":")[0]),
                          f"{what} mounts the container runtime socket {value.split(':')[0]}")
        elif name == "--mount":
            fields = dict(part.partition("=")[::2] for part in value.split(","))
            source = fields.get("source") or fields.get("src")
            if fields.get("type", "volume") == "bind" and is_socket(source):
                yield finding("container-socket-mount", path, at(str(source)),
                              f"{what} mounts the container runtime socket {source}")
