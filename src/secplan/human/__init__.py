"""Human security (HS-1..HS-5) and access control (DS-3, PS-3): identities, roles, people,
incidents and approvals, kept in the store and protected by the same RBAC and ledger as the rest."""
