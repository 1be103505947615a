"""A service with every kind of input the differential test compares against the seed's FastAPI.

Constraints, enums, Literal, unions, Optional, nested models with custom
validators, containers, dataclass and enum outputs, and HTTPExceptions with
headers: each endpoint exercises one family, ``infer`` all of them at once.
"""
import dataclasses
import datetime
import decimal
import enum
import uuid
from typing import Annotated, Any, Dict, FrozenSet, List, Literal, Optional, Set, Tuple, Union

from fastapi import HTTPException
from octoai.service import Service, path
from octoai.types import File
from pydantic import BaseModel, Field, field_validator, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException


class Color(str, enum.Enum):
    red = "red"
    green = "green"


class Level(enum.IntEnum):
    low = 1
    high = 2


class Point(BaseModel):
    x: int = Field(ge=0, le=100)
    y: float = Field(gt=-1.5, lt=1.5, default=0.0)

    @field_validator("x")
    @classmethod
    def not_thirteen(cls, v):
        if v == 13:
            raise ValueError("13 is unlucky")
        return v


class Shape(BaseModel):
    name: str = Field(min_length=1, max_length=8, pattern=r"^[a-z]+$")
    points: List[Point] = Field(max_length=3)
    tags: Dict[str, int] = {}

    @model_validator(mode="after")
    def closed(self):
        if self.name == "triangle" and len(self.points) != 3:
            raise ValueError("a triangle has three points")
        return self


@dataclasses.dataclass
class Summary:
    name: str
    count: int
    color: Color


class Verdict(BaseModel):
    ok: bool
    level: Level
    shape: Optional[Shape] = None


class TypesService(Service):
    def infer(
        self,
        count: Annotated[int, Field(ge=1, le=10)],
        ratio: Annotated[float, Field(ge=0, le=1)] = 0.5,
        color: Color = Color.red,
        mode: Literal["fast", "slow"] = "fast",
        value: Union[int, str] = 0,
        note: Optional[str] = None,
        shape: Optional[Shape] = None,
        flags: List[bool] = [],
        pair: Tuple[int, str] = (1, "a"),
    ) -> Verdict:
        """Answers a Verdict; ``count == 7`` raises a 418 with a header, ``count == 9`` a plain error."""
        if count == 7:
            raise HTTPException(status_code=418, detail={"why": "teapot", "count": count}, headers={"X-Teapot": "yes"})
        if count == 9:
            raise RuntimeError("nine is not served")
        return Verdict(ok=mode == "fast", level=Level.high if count > 5 else Level.low, shape=shape)

    @path("/summary")
    def summarize(self, shape: Shape, color: Color = Color.green) -> Summary:
        """A dataclass output; a shape named ``gone`` raises starlette's HTTPException 404."""
        if shape.name == "gone":
            raise StarletteHTTPException(status_code=404, detail="no such shape")
        return Summary(name=shape.name, count=len(shape.points), color=color)

    def levels(self, levels: List[Level], weights: Dict[str, float] = {}) -> List[Level]:
        """Enum containers in and out; an empty list raises a 204 (a status without a body)."""
        if not levels:
            raise HTTPException(status_code=204, headers={"X-Empty": "1"})
        return sorted(levels)

    def misc(
        self,
        when: datetime.datetime,
        ident: Optional[uuid.UUID] = None,
        data: bytes = b"",
        amount: decimal.Decimal = decimal.Decimal("1.5"),
        numbers: Set[int] = set(),
        frozen: FrozenSet[str] = frozenset(),
        matrix: List[List[float]] = [],
        points: Dict[str, Point] = {},
        anything: Any = None,
        day: Optional[datetime.date] = None,
    ) -> Dict[str, Any]:
        """Python-mode conversions in, arbitrary values out: ``anything == "object"`` returns
        something JSON cannot hold, ``anything == "summary"`` a dataclass inside a dict."""
        if anything == "object":
            return {"value": object()}
        if anything == "summary":
            return {"summary": Summary(name="s", count=1, color=Color.red), "level": Level.high}
        return {"when": when, "ident": ident, "data": data, "amount": amount, "numbers": sorted(numbers),
                "frozen": sorted(frozen), "matrix": matrix, "points": points, "day": day, "anything": anything}

    def optional_echo(self, text: Optional[str] = None, number: Optional[float] = None) -> Optional[str]:
        """Optional in and out; ``text == "wrong"`` returns what the annotation refuses."""
        if text == "wrong":
            return 12  # type: ignore[return-value]
        return text if number is None else f"{text}:{number}"

    @path("/documents")
    def infer_form_data(self, doc: File, title: str, note: str) -> Summary:
        """The form endpoint: what the File says of itself; a title ``teapot`` raises a 418."""
        if title == "teapot":
            raise HTTPException(status_code=418, detail=[doc.filename, doc.content_type])
        data = doc.file.read()
        return Summary(name=f"{doc.filename}|{doc.content_type}|{title}|{note}", count=len(data), color=Color.red)
