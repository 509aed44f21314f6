"""The anonymisation policy file (``*.anonymize.yaml``): what happens to each column, which columns
are quasi-identifiers, the k and l to reach, and the differentially private aggregates to release.

Unknown keys are errors (a typo must not silently leave a column in clear), and every error names
the file and the field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from secplan.yamlfile import load_yaml_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Redact(_Strict):
    """Replace every non-null value by a constant: the value is gone, the column stays."""

    op: Literal["redact"]
    replacement: str = "REDACTED"


class Mask(_Strict):
    """Keep the last ``keep_last`` characters, replace the rest by ``char`` (card numbers, phones)."""

    op: Literal["mask"]
    keep_last: int = Field(4, ge=0)
    char: str = Field("*", min_length=1, max_length=1)


class Pseudonymize(_Strict):
    """Keyed HMAC-SHA256 token: the same value gives the same token under the same key, so joins work,
    and without the key the mapping cannot be recomputed (unlike a plain hash of a guessable value)."""

    op: Literal["pseudonymize"]
    length: int = Field(32, ge=16, le=64, description="Hex characters of the token kept (16-64).")


class Suppress(_Strict):
    """Drop the column from the output."""

    op: Literal["suppress"]


class Generalize(_Strict):
    """Coarsen values: dates to month or year, ages and numbers to bands, postcodes to a prefix.

    The declared setting is the finest level; k-anonymity may coarsen a quasi-identifier further.
    """

    op: Literal["generalize"]
    kind: Literal["date", "age", "numeric", "postcode"]
    level: Literal["month", "year"] = Field("month", description="For dates.")
    width: float = Field(10, gt=0, description="Band width for ages and numbers.")
    keep: int = Field(3, ge=0, description="Characters of a postcode kept.")


ColumnRule = Annotated[Redact | Mask | Pseudonymize | Suppress | Generalize, Field(discriminator="op")]


class Aggregate(_Strict):
    """One differentially private statistic released with ``epsilon`` of the dataset's budget."""

    name: str = Field(min_length=1)
    column: str
    stat: Literal["count", "sum", "mean", "var", "std", "histogram", "counts"]
    epsilon: float = Field(gt=0)
    bounds: tuple[float, float] | None = Field(
        None, description="Data bounds (required for sum, mean, var, std, histogram): values are clipped to them."
    )
    bins: int = Field(10, ge=1, le=1000, description="Histogram bins.")
    categories: list[str] | None = Field(
        None, description="For counts: the public list of categories (taking it from the data would leak)."
    )

    @model_validator(mode="after")
    def _needs(self) -> Aggregate:
        if self.stat in {"sum", "mean", "var", "std", "histogram"}:
            if self.bounds is None:
                raise ValueError(f"stat {self.stat!r} needs bounds: [low, high]")
            if not self.bounds[0] < self.bounds[1]:
                raise ValueError("bounds must be [low, high] with low < high")
        if self.stat == "counts" and not self.categories:
            raise ValueError("stat 'counts' needs the public list of categories")
        return self


class DifferentialPrivacy(_Strict):
    budget: float = Field(gt=0, description="Total epsilon this dataset may ever spend across releases.")
    aggregates: list[Aggregate] = Field(default_factory=list)


class AnonymisationPolicy(_Strict):
    """A whole policy file."""

    version: Literal[1] = 1
    dataset: str | None = Field(None, description="Name the privacy budget is tracked under; default: file name.")
    key: str | None = Field(None, description="Keystore key (aes-kek) protecting the pseudonymisation secret.")
    columns: dict[str, ColumnRule] = Field(default_factory=dict)
    quasi_identifiers: list[str] = Field(default_factory=list)
    sensitive: list[str] = Field(default_factory=list, description="Attributes l-diversity is measured on.")
    k: int = Field(1, ge=1)
    l: int = Field(1, ge=1)  # noqa: E741 - the standard name of the l-diversity parameter
    max_suppression: float = Field(0.05, ge=0, le=1, description="Largest share of rows that may be suppressed.")
    dp: DifferentialPrivacy | None = None

    @model_validator(mode="after")
    def _consistent(self) -> AnonymisationPolicy:
        for name in self.quasi_identifiers:
            rule = self.columns.get(name)
            if rule is not None and rule.op != "generalize":
                raise ValueError(f"quasi-identifier {name!r} has op {rule.op!r}; only generalize (or none) fits one")
        overlap = set(self.quasi_identifiers) & set(self.sensitive)
        if overlap:
            raise ValueError(f"{sorted(overlap)} cannot be both quasi-identifier and sensitive")
        if self.l > 1 and not self.sensitive:
            raise ValueError("l > 1 needs at least one sensitive attribute")
        return self

    def referenced_columns(self) -> set[str]:
        cols = set(self.columns) | set(self.quasi_identifiers) | set(self.sensitive)
        if self.dp:
            cols |= {a.column for a in self.dp.aggregates}
        return cols


def load_policy(path: Path) -> AnonymisationPolicy:
    """Parse and validate the file; :class:`InputError` names the file, line and field on failure."""
    return load_yaml_model(path, AnonymisationPolicy, what="anonymisation policy")


