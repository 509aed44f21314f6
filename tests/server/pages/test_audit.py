"""The audit pages against a real server: the entries are the API's, the whole ledger verifies,
an entry's inclusion proof is shown and checks with the ledger's public key (and again here, with
the ledger's own verifier, from the JSON the page shows), and a non-auditor gets a 403 page."""

from __future__ import annotations

import html
import json
import re

from tests.server.conftest import Org
from tests.server.pages.conftest import login


def test_entries_are_the_apis(site: Org) -> None:
    with site.client("audra") as c:
        api = c.get("/api/v1/audit/entries", params={"action": "approval."}).json()
    with login(site, "audra") as c:
        r = c.get("/ui/audit", params={"action": "approval."})
    assert r.status_code == 200
    seqs = [int(s) for s in re.findall(r'<tr class="entry-row" data-seq="(\d+)">', r.text)]
    assert seqs == [e["seq"] for e in api["items"]] and seqs


def test_the_ledger_verifies(site: Org) -> None:
    with login(site, "audra") as c:
        r = c.get("/ui/audit/verify")
    assert r.status_code == 200 and "The ledger verifies." in r.text


def test_an_entry_is_proved_and_the_proof_checks_offline(site: Org) -> None:
    from secplan.ledger.entry import Entry, canonical_json
    from secplan.ledger.merkle import verify_inclusion

    with login(site, "audra") as c:
        listing = c.get("/ui/audit")
        seq = int(re.findall(r'data-seq="(\d+)"', listing.text)[-1])
        r = c.get(f"/ui/audit/entries/{seq}")
        missing = c.get("/ui/audit/entries/99999999")
    assert r.status_code == 200 and "<strong>Proved.</strong>" in r.text
    proof = json.loads(html.unescape(re.search(r"<pre class=\"hashes\"><code>(.*?)</code></pre>", r.text, re.S).group(1)))
    fields = {k: proof["entry"][k] for k in ("seq", "timestamp", "actor", "action", "object", "outcome",
                                             "prev_hash", "entry_hash")}
    entry = Entry(**fields, details=canonical_json(proof["entry"]["details"]))
    assert entry.computed_hash() == proof["leaf_hash"]
    assert verify_inclusion(bytes.fromhex(proof["leaf_hash"]), seq - 1, proof["tree_size"],
                            [bytes.fromhex(h) for h in proof["audit_path"]], bytes.fromhex(proof["root_hash"]))
    assert missing.status_code in (400, 404) and "Traceback" not in missing.text


def test_a_non_auditor_gets_a_403_page(site: Org) -> None:
    with login(site, "lead") as c:
        pages = [c.get(p) for p in ("/ui/audit", "/ui/audit/verify", "/ui/audit/entries/1")]
    for r in pages:
        assert r.status_code == 403 and "Not allowed" in r.text and "ledger" in r.text
