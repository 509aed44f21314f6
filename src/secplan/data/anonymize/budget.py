"""The differential-privacy budget of each dataset, kept in the store.

Every release of DP aggregates spends epsilon; the total a dataset may ever spend is fixed when it is
first used (sequential composition: spends add up). A release that would exceed it is refused before
any noise is drawn, and the check and the spend happen in one transaction that locks the budget row,
so two concurrent releases cannot both squeeze under the limit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Float, ForeignKey, Integer, String, func, select
from sqlalchemy.exc import IntegrityError as DBIntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from secplan.errors import InputError
from secplan.identity import current_actor
from secplan.store.base import Base, utcnow

if TYPE_CHECKING:
    from secplan.store.db import Store

#: Floating-point slack when comparing sums of epsilons.
_EPS_TOLERANCE = 1e-9


class PrivacyBudget(Base):
    __tablename__ = "privacy_budgets"

    dataset: Mapped[str] = mapped_column(String(300), primary_key=True)
    total_epsilon: Mapped[float] = mapped_column(Float, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PrivacySpend(Base):
    __tablename__ = "privacy_spends"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    dataset: Mapped[str] = mapped_column(ForeignKey("privacy_budgets.dataset"), index=True)
    epsilon: Mapped[float] = mapped_column(Float, nullable=False)
    purpose: Mapped[str] = mapped_column(String(500), nullable=False)
    actor: Mapped[str] = mapped_column(String(200), nullable=False)
    spent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


@dataclass(frozen=True)
class BudgetState:
    dataset: str
    total: float
    spent: float

    @property
    def remaining(self) -> float:
        return max(0.0, self.total - self.spent)


def state(store: Store, dataset: str) -> BudgetState | None:
    """The budget of ``dataset``, or ``None`` when no release was ever made from it."""
    with store.session() as session:
        budget = session.get(PrivacyBudget, dataset)
        if budget is None:
            return None
        spent = session.scalar(select(func.coalesce(func.sum(PrivacySpend.epsilon), 0.0)).where(
            PrivacySpend.dataset == dataset))
        return BudgetState(dataset, budget.total_epsilon, float(spent or 0.0))


@contextlib.contextmanager
def reserve(store: Store, dataset: str, epsilon: float, *, total: float, purpose: str) -> Iterator[BudgetState]:
    """Spend ``epsilon`` of ``dataset``'s budget for the duration of the block, or refuse up front.

    The spend commits only when the block succeeds: if the release fails before anything was
    published, nothing is spent. ``total`` sets the budget on first use; later it may only stay or
    shrink. The budget row is locked for the block, so concurrent releases queue.
    """
    for attempt in (1, 2):
        entered = False
        try:
            with store.session() as session:
                state = _spend(session, dataset, epsilon, total=total, purpose=purpose)
                entered = True
                yield state
                return
        except DBIntegrityError:  # two first uses raced to create the budget row: the loser retries
            if entered or attempt == 2:
                raise


def _spend(session: Session, dataset: str, epsilon: float, *, total: float, purpose: str) -> BudgetState:
    budget = session.execute(
        select(PrivacyBudget).where(PrivacyBudget.dataset == dataset).with_for_update()
    ).scalar_one_or_none()
    if budget is None:
        budget = PrivacyBudget(dataset=dataset, total_epsilon=total)
        session.add(budget)
        session.flush()
    elif total > budget.total_epsilon + _EPS_TOLERANCE:
        raise InputError(
            f"privacy budget of dataset {dataset!r} is {budget.total_epsilon:g}; the policy asks for {total:g}",
            hint="a budget can only stay or shrink once spending has begun",
        )
    elif total < budget.total_epsilon:
        budget.total_epsilon = total
    spent = float(session.scalar(select(func.coalesce(func.sum(PrivacySpend.epsilon), 0.0)).where(
        PrivacySpend.dataset == dataset)) or 0.0)
    if spent + epsilon > budget.total_epsilon + _EPS_TOLERANCE:
        raise InputError(
            f"privacy budget of dataset {dataset!r} exhausted: spent {spent:g} of {budget.total_epsilon:g}, "
            f"this release needs {epsilon:g}; refused, nothing was released"
        )
    session.add(PrivacySpend(dataset=dataset, epsilon=epsilon, purpose=purpose[:500], actor=current_actor()))
    session.flush()
    return BudgetState(dataset, budget.total_epsilon, spent + epsilon)
