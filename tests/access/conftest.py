"""Access tests reuse the governance team (users with roles and tokens) and act as its members."""

from tests.governance.conftest import act_as, denials, team  # noqa: F401 - fixtures
