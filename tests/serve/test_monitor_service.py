"""The monitor service as a real process on a real Unix socket: it admits only holders of its key,
watches one model digest, observes what a gateway sends, and exits once its starter has gone."""

from __future__ import annotations

from multiprocessing import AuthenticationError
from multiprocessing.connection import Client
from pathlib import Path

import pytest

from secplan.data.validate.profile import build_profile
from secplan.model.serve.watch import MonitorFailed, Watch, start_service
from secplan.plan.model import MonitoringPolicy
from tests.monitor.synthetic import FEATURES, make_frame, rows_of
from tests.serve.conftest import build_project, inside


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    project = build_project(tmp_path_factory.mktemp("monitor-service") / "project")
    profile = build_profile(make_frame(4000, 7)[[*FEATURES, "label"]], "train.csv", label="label")
    with inside(project.root, project.env):
        service = start_service(project.root)
        try:
            yield project, service, profile
        finally:
            service.stop()


def _watch(service, profile, digest: str = "sha256:aa") -> Watch:
    return Watch(service.address, service.key, model="fraud@1", digest=digest, profile=profile,
                 policy=MonitoringPolicy(), served_id=None, cut_off=False)


def test_a_peer_without_the_key_is_refused(served) -> None:
    _, service, _ = served
    with pytest.raises(AuthenticationError):
        Client(service.address, family="AF_UNIX", authkey=b"not the key")


def test_gateways_of_one_digest_share_it_and_another_digest_is_refused(served) -> None:
    _, service, profile = served
    first, second = _watch(service, profile), _watch(service, profile)
    try:
        rows = rows_of(make_frame(30, 3)[FEATURES])
        for i, row in enumerate(rows):
            (first if i % 2 else second).submit([row], [0], "mia")
        first.flush()
        second.flush()
        assert first.seen + second.seen == 30
        second.submit(rows[:1], [0], "mia")
        second.flush()
        assert second.status()["requests"] == 31  # one monitor counted both gateways' rows
        with pytest.raises(MonitorFailed, match="refused this gateway: this monitor watches fraud@1"):
            _watch(service, profile, digest="sha256:bb")
    finally:
        first.close()
        second.close()


def test_the_service_exits_when_its_starter_closes_its_stdin(tmp_path: Path, served) -> None:
    project, _, _ = served
    with inside(project.root, project.env):
        service = start_service(project.root)
    assert service.proc.poll() is None
    service.stop(timeout=30)
    assert service.proc.returncode == 0
    assert not Path(service.folder).exists()
