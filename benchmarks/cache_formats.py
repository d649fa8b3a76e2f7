"""Time the two ways of storing a parsed Device in the lint cache (frontend/cache.py):
pickle with the cache's positional reducer, and marshal of a compact nested-tuple form that a
Python function encodes and decodes. Prints seconds for the whole fleet and bytes per device.

    PYTHONPATH=. python benchmarks/cache_formats.py /tmp/fleet10k
"""

from __future__ import annotations

import dataclasses
import gc
import ipaddress
import marshal
import pickle
import sys
import time
from enum import Enum
from typing import Any

from dmvpnlint.frontend import load_fleet
from dmvpnlint.frontend.cache import dumps

_IP = (ipaddress.IPv4Address, ipaddress.IPv4Interface, ipaddress.IPv4Network,
       ipaddress.IPv6Address, ipaddress.IPv6Interface, ipaddress.IPv6Network)


class Compact:
    """Devices as nested tuples of str/int/None with a class table: what marshal can write."""

    def __init__(self) -> None:
        self.classes: list[type] = []
        self.index: dict[type, int] = {}

    def tag(self, cls: type) -> int:
        if cls not in self.index:
            self.index[cls] = len(self.classes)
            self.classes.append(cls)
        return self.index[cls]

    def encode(self, obj: Any) -> Any:
        cls = type(obj)
        if obj is None or cls in (str, int, bool, float, bytes):
            return obj
        if cls is tuple:
            return (-1, tuple(self.encode(x) for x in obj))
        if cls is dict:
            return (-2, tuple(self.encode(k) for k in obj), tuple(self.encode(v) for v in obj.values()))
        if cls is frozenset:
            return (-3, tuple(self.encode(x) for x in obj))
        if isinstance(obj, Enum) or cls in _IP:
            return (self.tag(cls), str(obj.value if isinstance(obj, Enum) else obj))
        if dataclasses.is_dataclass(obj):
            return (self.tag(cls), *(self.encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)))
        if cls is list:
            return (-4, tuple(self.encode(x) for x in obj))
        raise TypeError(cls)

    def decode(self, data: Any) -> Any:
        if type(data) is not tuple:
            return data
        kind = data[0]
        if kind == -1:
            return tuple(self.decode(x) for x in data[1])
        if kind == -2:
            return dict(zip((self.decode(k) for k in data[1]), (self.decode(v) for v in data[2])))
        if kind == -3:
            return frozenset(self.decode(x) for x in data[1])
        if kind == -4:
            return [self.decode(x) for x in data[1]]
        cls = self.classes[kind]
        if issubclass(cls, Enum) or cls in _IP:
            return cls(data[1])
        return cls(*(self.decode(x) for x in data[1:]))


def main(folder: str) -> None:
    gc.disable()
    devices = load_fleet([folder]).devices
    n = len(devices)

    start = time.perf_counter()
    blobs = [dumps(d) for d in devices]
    pickled = time.perf_counter() - start
    start = time.perf_counter()
    again = [pickle.loads(b) for b in blobs]
    unpickled = time.perf_counter() - start
    assert again == list(devices)
    print(f"pickle (positional reducer): dump {pickled:.2f} s, load {unpickled:.2f} s, "
          f"{sum(map(len, blobs)) // n} bytes/device")

    compact = Compact()
    start = time.perf_counter()
    blobs = [marshal.dumps(compact.encode(d)) for d in devices]
    encoded = time.perf_counter() - start
    start = time.perf_counter()
    again = [compact.decode(marshal.loads(b)) for b in blobs]
    decoded = time.perf_counter() - start
    assert again == list(devices)
    print(f"marshal of compact tuples:   dump {encoded:.2f} s, load {decoded:.2f} s, "
          f"{sum(map(len, blobs)) // n} bytes/device")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/fleet10k")
