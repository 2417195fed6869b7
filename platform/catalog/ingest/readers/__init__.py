"""One reader per published data set; each knows its files and turns a row into a Listing."""

from __future__ import annotations

from .australia import Australia
from .base import RawRow, Source, SourceFile, read_rows
from .cars_com import CarsCom
from .craigslist import Craigslist
from .ebay import Ebay
from .uk_used_cars import UkUsedCars

SOURCES: dict[str, type[Source]] = {
    source.name: source for source in (CarsCom, Australia, Craigslist, UkUsedCars, Ebay)
}

__all__ = ["SOURCES", "RawRow", "Source", "SourceFile", "read_rows"]
