"""Advisory databases the matcher queries: an in-memory one read from an OSV source, and a SQLite
index built once by ``secplan db import`` so that later scans open it in milliseconds."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import tempfile
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from secplan import filetypes
from secplan.errors import InputError
from secplan.platform.osv.model import Advisory, Affected, parse_record
from secplan.platform.osv.sources import read_records
from secplan.vocabulary import Severity

DB_ENV = "SECPLAN_OSV_DB"
MAX_AGE_ENV = "SECPLAN_OSV_MAX_AGE_DAYS"
DEFAULT_MAX_AGE_DAYS = 30
INDEX_FORMAT = 3
"""3: SEMVER ranges kept beside ECOSYSTEM ones (an older index lacks them and is rebuilt)."""


@dataclass(frozen=True)
class DatabaseInfo:
    """What an advisory database is: every output of a scan says it, so that a clean result from an
    old or sample database is never mistaken for a clean project."""

    source: str
    advisories: int
    packages: int
    newest: str | None
    """The newest record's ``modified`` time: the data is at most this current."""
    bundled: bool
    """The small sample shipped for demos and tests, not a real database."""

    def age_days(self, now: dt.datetime | None = None) -> int | None:
        if not self.newest:
            return None
        try:
            newest = dt.datetime.fromisoformat(self.newest.replace("Z", "+00:00"))
        except ValueError:
            return None
        newest = newest if newest.tzinfo else newest.replace(tzinfo=dt.UTC)
        return max(0, ((now or dt.datetime.now(dt.UTC)) - newest).days)

    def describe(self) -> str:
        age = self.age_days()
        when = f", newest record {self.newest[:10]} ({age} days old)" if age is not None else ", age unknown"
        kind = "bundled sample " if self.bundled else ""
        return f"{kind}{self.source}: {self.advisories} advisories for {self.packages} packages{when}"

    def to_json(self) -> dict:
        return {**asdict(self), "age_days": self.age_days()}

    def warnings(self, max_age_days: int) -> list[str]:
        out = []
        if self.bundled:
            out.append(f"the advisory database is the bundled sample ({self.advisories} advisories from one "
                       "snapshot): a clean result means little; `secplan db update` fetches osv.dev's PyPI "
                       "database")
        age = self.age_days()
        if age is not None and age > max_age_days and not self.bundled:
            out.append(f"the advisory database is {age} days old (newest record {self.newest[:10]}); "
                       "update it with `secplan db update`")
        return out


def info_for(source: str, advisories: list[Advisory], *, bundled: bool = False) -> DatabaseInfo:
    """What a database of these advisories is: its size and how current its newest record is."""
    newest = max((a.modified for a in advisories if a.modified), default=None)
    packages = len({a.package for adv in advisories for a in adv.affected})
    return DatabaseInfo(source, len(advisories), packages, newest, bundled)


class AdvisoryDatabase(Protocol):
    info: DatabaseInfo

    @property
    def description(self) -> str: ...

    def advisories_for(self, package: str) -> list[Advisory]:
        """Every non-withdrawn advisory naming ``package`` (PEP 503 name)."""
        ...


class MemoryDatabase:
    """Advisories held in memory: what a scan uses when pointed at an OSV source directly."""

    def __init__(self, advisories: list[Advisory], info: DatabaseInfo) -> None:
        self.info = info
        self._by_package: dict[str, list[Advisory]] = defaultdict(list)
        for adv in advisories:
            for package in {a.package for a in adv.affected}:
                self._by_package[package].append(adv)

    @classmethod
    def from_source(cls, source: Path, warnings: list[str] | None = None) -> MemoryDatabase:
        advisories = [a for a in (parse_record(r) for r in read_records(source, warnings)) if a]
        return cls(advisories, info_for(str(source), advisories, bundled=source == bundled_fixture()))

    @property
    def description(self) -> str:
        return self.info.describe()

    def advisories_for(self, package: str) -> list[Advisory]:
        return list(self._by_package.get(package, ()))


def _encode(adv: Advisory) -> str:
    return json.dumps(asdict(adv), separators=(",", ":"))


def _events(ranges: list) -> tuple[tuple[tuple[str, str], ...], ...]:
    return tuple(tuple((str(kind), str(value)) for kind, value in events) for events in ranges)


def _decode(text: str) -> Advisory:
    raw = json.loads(text)
    affected = tuple(
        Affected(a["package"], _events(a["events"]), tuple(a["versions"]), _events(a.get("semver") or []))
        for a in raw["affected"]
    )
    return Advisory(raw["id"], tuple(raw["aliases"]), raw["summary"],
                    Severity(raw["severity"]) if raw["severity"] else None, raw["score"], affected, raw.get("modified"))


class SqliteIndex:
    """A read-only SQLite index: advisories keyed by package name."""

    def __init__(self, path: Path) -> None:
        try:
            self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{path}: not a secplan OSV index ({exc}); rebuild it with `secplan db import`") from None
        if meta.get("format") != str(INDEX_FORMAT):
            raise InputError(f"{path}: OSV index format {meta.get('format')} is not supported by this secplan",
                             hint="rebuild it with `secplan db update` or `secplan db import SOURCE`")
        self.meta = meta
        self.info = DatabaseInfo(f"{path} (from {meta.get('source')})", int(meta.get("advisories", 0)),
                                 int(meta.get("packages", 0)), meta.get("newest") or None, bundled=False)
        self._cache: dict[str, list[Advisory]] = {}

    def advisories_for(self, package: str) -> list[Advisory]:
        if package not in self._cache:
            rows = self._conn.execute(
                "SELECT a.body FROM affected p JOIN advisories a ON a.id = p.advisory WHERE p.package = ?",
                (package,),
            ).fetchall()
            self._cache[package] = [_decode(body) for (body,) in rows]
        return list(self._cache[package])

    @property
    def description(self) -> str:
        return self.info.describe()

    def close(self) -> None:
        self._conn.close()


def build_index(source: Path, dest: Path, warnings: list[str] | None = None, *,
                shown: str | None = None) -> dict[str, str]:
    """Build an index of ``source`` at ``dest`` atomically (a temp file renamed into place);
    ``shown`` names the source in the index when ``source`` is a temporary copy (a download)."""
    advisories = [a for a in (parse_record(r) for r in read_records(source, warnings)) if a]
    if not advisories:
        raise InputError(f"{source}: no PyPI advisories found; nothing to index")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    meta = {
        "format": str(INDEX_FORMAT),
        "source": shown or str(source),
        "advisories": str(len(advisories)),
        "packages": str(len({a.package for adv in advisories for a in adv.affected})),
        "built_at": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "newest": max((a.modified for a in advisories if a.modified), default=""),
    }
    try:
        conn = sqlite3.connect(tmp)
        with conn:
            conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            conn.execute("CREATE TABLE advisories (id TEXT PRIMARY KEY, body TEXT NOT NULL)")
            conn.execute("CREATE TABLE affected (package TEXT NOT NULL, advisory TEXT NOT NULL)")
            conn.executemany("INSERT OR REPLACE INTO advisories VALUES (?, ?)", [(a.id, _encode(a)) for a in advisories])
            conn.executemany("INSERT INTO affected VALUES (?, ?)",
                             sorted({(p.package, a.id) for a in advisories for p in a.affected}))
            conn.execute("CREATE INDEX ix_affected_package ON affected (package)")
            conn.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        conn.close()
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return meta


def default_index_path() -> Path:
    """Where ``secplan db import`` writes by default: the user's cache directory."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "secplan" / "osv.db"


def bundled_fixture() -> Path:
    """The small OSV fixture shipped with secplan (for the demo and when no database is configured)."""
    return Path(__file__).with_name("fixture.json")


def open_database(path: Path | None = None, warnings: list[str] | None = None) -> AdvisoryDatabase:
    """Open ``path`` (an index built by ``db import`` or any OSV source); else ``$SECPLAN_OSV_DB``, else the
    default index if it exists, else the shipped fixture."""
    if path is None:
        env = os.environ.get(DB_ENV)
        if env:
            path = Path(env)
        elif default_index_path().exists():
            path = default_index_path()
        else:
            path = bundled_fixture()
    if not path.exists():
        raise InputError(f"{path}: OSV database not found")
    database: AdvisoryDatabase
    if path.is_file():
        with path.open("rb") as handle:
            found = filetypes.identify(handle.read(filetypes.HEAD))
        is_index = found is not None and found.name == "sqlite"
        database = SqliteIndex(path) if is_index else MemoryDatabase.from_source(path, warnings)
    else:
        database = MemoryDatabase.from_source(path, warnings)
    if database.info.advisories == 0:
        raise InputError(f"{path}: the advisory database holds no PyPI advisories: no dependency can be checked",
                         hint="point --osv-db at osv.dev's PyPI all.zip, or run `secplan db update`")
    if warnings is not None:
        warnings.extend(database.info.warnings(_max_age_days()))
    return database


def _max_age_days() -> int:
    try:
        return int(os.environ.get(MAX_AGE_ENV, DEFAULT_MAX_AGE_DAYS))
    except ValueError:
        raise InputError(f"{MAX_AGE_ENV} must be a whole number of days") from None
