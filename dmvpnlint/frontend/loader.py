"""Files and directories -> a `Fleet`, with every bad input reported and the rest still loaded.

Usage errors (a path that does not exist, a bad inventory, nothing readable at all) raise
`InputError`, which the CLI turns into exit code 2. Anything wrong with one file is a
`LoadProblem` (DMV005: unreadable, empty, binary, undecodable, not IOS; DMV004: duplicate device
name, inventory device without its config) so that one broken file never hides the findings of
the other 9,999 devices.

With `jobs=2`, big fleets are read, split and parsed by worker processes over small chunks of
files while this process builds the Devices of the chunks already done; each worker keeps its
own splitter and (start symbol, text) memos for all its chunks. By default, and for small
fleets always, everything happens in this process, which costs the least CPU time.
"""

from __future__ import annotations

import dataclasses
import gc
import marshal
import multiprocessing
import os
import queue
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from pathlib import Path

from dmvpnlint import model
from dmvpnlint.frontend.build import device_from_split, prime
from dmvpnlint.frontend.cache import DeviceCache
from dmvpnlint.frontend.commands import LineParser, ParseResult
from dmvpnlint.frontend.splitter import Block, Line, SplitConfig, SplitMemo, split_config
from dmvpnlint.frontend.suppress import RawSuppression

CONFIG_SUFFIXES: tuple[str, ...] = (".cfg", ".conf", ".txt", ".ios")
INVENTORY_NAMES: tuple[str, ...] = ("inventory.yaml", "inventory.yml")
# Below this many files one process is faster: starting workers and sending blocks back costs
# more than they save (1,000 spokes: 0.38 s in-process, 0.6 s with two workers).
PARALLEL_MIN_FILES = 2000
# Worker processes when the caller does not say (`jobs`). One: since the splitter memo and the
# fast path, a single process needs 3.3 s of CPU for 10,000 spokes and two workers plus this
# process 5.5 s (this process alone still builds every Device: 2.9 s). On a 2-core machine
# that other jobs also use, one process is faster (3.4-4.1 s against 5.0-5.6 s measured);
# see benchmarks/README.md, "Front end".
WORKERS = 1
_SNIFF_BYTES = 8192


class InputError(Exception):
    """A usage error: the message names the path and what is wrong (CLI exit code 2)."""


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What one file gave: a device, or the problem that kept it from being one."""

    device: model.Device | None = None
    problem: model.LoadProblem | None = None


def _problem(path: str, message: str, line: int = 0) -> _Loaded:
    where = f"{path}:{line}" if line else path
    return _Loaded(problem=model.LoadProblem("DMV005", path, line, f"{where}: {message}"))


# Control bytes that text never holds; tab, newline, carriage return, form feed, escape and
# ^C (the banner delimiter IOS stores) are text here.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13, 3, 12, 27))
_C1_BYTES = bytes(range(0x7F, 0xA0))


def _looks_binary(data: bytes) -> bool:
    sample = data[:_SNIFF_BYTES]
    if b"\x00" in sample:
        return True
    text = sample.translate(None, _CONTROL_BYTES)
    return len(sample) - len(text) > len(sample) // 10


def _looks_like_latin1_text(data: bytes) -> bool:
    """Latin-1 decodes anything; accept it only when C1 control bytes are (nearly) absent."""
    sample = data[:_SNIFF_BYTES]
    return len(sample) - len(sample.translate(None, _C1_BYTES)) <= len(sample) // 100


def _utf16(data: bytes) -> str | None:
    """UTF-16 text (Windows tools save configs so): a BOM, or NUL in every other byte."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        sample = data[:_SNIFF_BYTES]
        half = len(sample) // 2
        if half < 4:
            return None
        if sample[1::2].count(0) > half * 9 // 10 and sample[0::2].count(0) == 0:
            encoding = "utf-16-le"
        elif sample[0::2].count(0) > half * 9 // 10 and sample[1::2].count(0) == 0:
            encoding = "utf-16-be"
        else:
            return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def decode_config(path: str, data: bytes) -> str | _Loaded:
    """Bytes -> text, or the DMV005 problem saying why they are not an IOS config."""
    if not data.strip():
        return _problem(path, "empty file, not an IOS configuration")
    utf16 = _utf16(data)
    if utf16 is not None:
        return utf16
    if _looks_binary(data):
        return _problem(path, "binary data, not an IOS configuration")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if _looks_like_latin1_text(data):
            return data.decode("latin-1")
        line = data[: error.start].count(b"\n") + 1
        return _problem(path, "text in an unknown encoding (not UTF-8 or Latin-1)", line)


def read_bytes(path: str) -> bytes | _Loaded:
    """The bytes of one config file, or the located problem that keeps them from us."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except IsADirectoryError:
        return _problem(path, "is a directory, not a configuration file")
    except OSError as error:
        return _problem(path, f"cannot read: {error.strerror or error}")


def read_one(path: str, memo: SplitMemo | None = None) -> SplitConfig | _Loaded:
    """Read, decode and split one config file; every failure is a located LoadProblem.

    `memo` shares the splitter's line analyses across the files of one run."""
    data = read_bytes(path)
    if isinstance(data, _Loaded):
        return data
    return split_data(path, data, memo)


def split_data(path: str, data: bytes, memo: SplitMemo | None = None) -> SplitConfig | _Loaded:
    """Decode and split the bytes of one config file (read_one without the reading)."""
    text = decode_config(path, data)
    if isinstance(text, _Loaded):
        return text
    split = split_config(text, memo)
    if split.known_commands == 0:
        return _problem(path, "no IOS command found, not an IOS configuration")
    return split


def _finish(path: str, split: SplitConfig | _Loaded, parse: LineParser) -> _Loaded:
    if isinstance(split, _Loaded):
        return split
    device = device_from_split(split, path, Path(path).stem, parse)
    if split.suppressions:
        device = dataclasses.replace(device, suppressions=suppressions(path, split.suppressions))
    return _Loaded(device=device)


def suppressions(path: str, raw: Iterable[RawSuppression]) -> tuple[model.Suppression, ...]:
    """The splitter's resolved `! dmvpnlint:` comments as model values located in `path`."""
    return tuple(
        model.Suppression(model.Span(path, line), kind, rules, reason, first, last, problem)
        for line, kind, rules, reason, first, last, problem in raw
    )


def load_one(path: str, parse: LineParser, memo: SplitMemo | None = None) -> _Loaded:
    """Read and parse one config file into a Device, or the problem that prevents it."""
    return _finish(path, read_one(path, memo), parse)


Progress = Callable[[int], None]  # told how many more files are done


def _load_chunk(
    paths: list[str],
    parse: LineParser | None = None,
    progress: Progress | None = None,
    data: Sequence[bytes | None] | None = None,
) -> list[_Loaded]:
    """Load files in this process; `data` holds the bytes of those already read (or None)."""
    parse = parse or LineParser()
    memo = SplitMemo()
    out: list[_Loaded] = []
    for index, path in enumerate(paths):
        content = data[index] if data is not None else None
        if content is None:
            out.append(load_one(path, parse, memo))
        else:
            out.append(_finish(path, split_data(path, content, memo), parse))
        if progress is not None:
            progress(1)
    return out


_EncodedBlock = tuple[Any, ...]  # (kind, number, indent, text, children); a line is 3 values


def _encode(block: Block) -> _EncodedBlock:
    """A block as nested plain tuples of str and int, which `marshal` writes and reads about
    five times faster than pickle (and keeps the splitter's shared line texts shared)."""
    return (
        block.kind,
        block.header.number,
        block.header.indent,
        block.header.text,
        tuple(
            _encode(c) if type(c) is Block else tuple(c)  # type: ignore[arg-type]
            for c in block.children
        ),
    )


_new_line = tuple.__new__


def _decode(data: _EncodedBlock) -> Block:
    kind, number, indent, text, children = data
    return Block(
        _new_line(Line, (number, indent, text)),
        kind,
        [_decode(c) if len(c) == 5 else c for c in children],  # lines stay plain tuples
    )


# What a worker sends per chunk: the marshalled list of (encoded blocks, line count) or None
# per file, the problems of the files that are None there, and the new lark results. A worker
# that fails sends the text of its exception instead.
_ChunkResult = tuple[bytes, dict[int, _Loaded], dict[tuple[str, str], ParseResult]]


def _split_chunks(chunks: list[list[str]], results: Any) -> None:
    """Worker process: read, split and parse its chunks in order, putting one result per chunk
    on `results` (a multiprocessing queue; a failure is put as the text of the exception).

    The splitter's and the parser's memos live here for all the worker's chunks, so each
    distinct line is analysed once per worker. Only lark's results travel back: the Devices
    are built in the parent, which redoes the fast-path lines (cheaper than unpickling their
    ipaddress values), and pickling frozen dataclasses back would cost more than it saves.
    """
    gc.disable()  # as in load_fleet: many small acyclic objects, nothing for the collector
    try:
        memo = SplitMemo()
        parse = LineParser()
        sent = 0
        for paths in chunks:
            encoded: list[tuple[tuple[_EncodedBlock, ...], int, tuple[Any, ...]] | None] = []
            problems: dict[int, _Loaded] = {}
            for index, path in enumerate(paths):
                split = read_one(path, memo)
                if isinstance(split, _Loaded):
                    problems[index] = split
                    encoded.append(None)
                    continue
                prime(split, parse)
                encoded.append(
                    (tuple(_encode(b) for b in split.blocks), split.line_count, split.suppressions)
                )
            new_keys = parse.lark_keys[sent:]
            sent = len(parse.lark_keys)
            lark = {key: parse.memo[key] for key in new_keys}
            results.put((marshal.dumps(encoded), problems, lark))
    except BaseException as error:  # the parent falls back to loading in its own process
        results.put(f"{type(error).__name__}: {error}")


def _receive(results: Any, process: Any) -> _ChunkResult:
    """The next result of one worker; RuntimeError if it failed or died without a word."""
    while True:
        try:
            result = results.get(timeout=0.25)
        except queue.Empty:
            if not process.is_alive():
                raise RuntimeError("front-end worker exited early") from None
            continue
        if isinstance(result, str):
            raise RuntimeError(f"front-end worker failed: {result}")
        return result  # type: ignore[no-any-return]


def _load_parallel(
    paths: list[str], workers: int, progress: Progress | None = None
) -> list[_Loaded]:
    """Worker processes read, split and parse small chunks of files while this process builds
    the Devices of the chunks already done: a pipeline whose order is the files' order.

    Raises OSError or RuntimeError when processes cannot be started or a worker failed; the
    caller then loads everything in this process.
    """
    size = max(20, -(-len(paths) // (workers * 25)))
    chunks = [paths[i : i + size] for i in range(0, len(paths), size)]
    context = multiprocessing.get_context()
    queues = [context.Queue() for _ in range(workers)]
    processes = [
        context.Process(target=_split_chunks, args=(chunks[w::workers], queues[w]), daemon=True)
        for w in range(workers)
    ]
    parse = LineParser()
    loaded: list[_Loaded] = []
    try:
        for process in processes:
            process.start()
        for number, chunk in enumerate(chunks):
            data, problems, lark = _receive(queues[number % workers], processes[number % workers])
            parse.memo.update(lark)
            for index, (path, item) in enumerate(zip(chunk, marshal.loads(data))):
                if item is None:
                    loaded.append(problems[index])
                    continue
                blocks, line_count, raw = item
                split = SplitConfig([_decode(b) for b in blocks], 1, line_count, raw)
                loaded.append(_finish(path, split, parse))
            if progress is not None:
                progress(len(chunk))
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
            process.join()
        for queue in queues:
            queue.close()
    return loaded


def _load_all(
    paths: list[str],
    jobs: int | None,
    progress: Progress | None = None,
    data: Sequence[bytes | None] | None = None,
) -> list[_Loaded]:
    """Load every file: in this process for a small fleet (a pool costs more than it saves),
    else through `_load_parallel`, falling back to this process when that is impossible."""
    workers = WORKERS if jobs is None else jobs
    if workers <= 1 or len(paths) < PARALLEL_MIN_FILES:
        return _load_chunk(paths, progress=progress, data=data)
    try:
        return _load_parallel(paths, workers, progress)
    # no process support here (or we are a daemon process, which may not have children):
    # do it all in this process
    except (OSError, RuntimeError, AssertionError):
        return _load_chunk(paths, progress=progress, data=data)


def _load_cached(
    paths: list[str], jobs: int | None, cache: DeviceCache, progress: Progress | None = None
) -> list[_Loaded]:
    """Every file's bytes are read and hashed; a cached Device is taken as it is, the other
    files are loaded as without a cache (in parallel when enough of them changed), and their
    Devices stored for the next run."""
    loaded: list[_Loaded | None] = [None] * len(paths)
    misses: list[int] = []
    keys: list[str] = []
    contents: list[bytes | None] = []
    for index, path in enumerate(paths):
        data = read_bytes(path)
        if isinstance(data, _Loaded):
            loaded[index] = data
        else:
            key = cache.key(path, data)
            device = cache.get(key, path)
            if device is not None:
                loaded[index] = _Loaded(device=device)
            else:
                misses.append(index)
                keys.append(key)
                contents.append(data)
                continue
        if progress is not None:
            progress(1)
    if misses:
        fresh = _load_all([paths[i] for i in misses], jobs, progress, contents)
        for index, key, item in zip(misses, keys, fresh):
            loaded[index] = item
            if item.device is not None:
                cache.put(key, item.device)
    return [item for item in loaded if item is not None]


def collect_files(
    paths: Sequence[str],
) -> tuple[list[str], list[str], list[model.LoadProblem]]:
    """Config files (in order, directories expanded and sorted), inventories found beside them,
    and problems with directories that could not be listed."""
    files: list[str] = []
    inventories: list[str] = []
    problems: list[model.LoadProblem] = []
    for given in paths:
        if not os.path.exists(given):
            raise InputError(f"{given}: no such file or directory")
        if not os.path.isdir(given):
            files.append(given)
            continue
        for name in INVENTORY_NAMES:
            if os.path.isfile(os.path.join(given, name)):
                inventories.append(os.path.join(given, name))
                break

        def unreadable(error: OSError) -> None:
            where = error.filename or given
            problems.append(
                model.LoadProblem("DMV005", where, 0, f"{where}: cannot read: {error.strerror}")
            )

        found: list[str] = []
        for root, dirs, names in os.walk(given, onerror=unreadable):
            dirs.sort()
            found.extend(
                os.path.join(root, n) for n in names if n.lower().endswith(CONFIG_SUFFIXES)
            )
        files.extend(sorted(found))
    return files, inventories, problems


def _same_file_key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _apply_inventory(
    devices: list[model.Device], inventory_path: str
) -> tuple[list[model.Device], list[model.LoadProblem]]:
    try:
        from dmvpnlint.frontend.inventory import InventoryError, load_inventory
    except ImportError as error:  # pragma: no cover - the inventory module ships with us
        raise InputError(f"{inventory_path}: inventory support is unavailable: {error}") from None
    try:
        inventory = load_inventory(inventory_path)
    except InventoryError as error:
        raise InputError(str(error)) from None
    problems: list[model.LoadProblem] = []
    by_file = {_same_file_key(d.file): i for i, d in enumerate(devices)}
    by_name: dict[str, int] = {}
    for i, d in enumerate(devices):
        by_name.setdefault(d.name, i)
        by_name.setdefault(Path(d.file).stem, i)
    result = list(devices)
    for entry in inventory.devices.values():
        index: int | None
        if entry.config is not None:
            index = by_file.get(_same_file_key(entry.config))
            if index is None:
                if not os.path.isfile(entry.config):
                    span = entry.config_span or entry.span
                    problems.append(
                        model.LoadProblem(
                            "DMV004",
                            span.file,
                            span.line,
                            f"{span}: device {entry.name}: config file {entry.config} "
                            "does not exist",
                            entry.name,
                        )
                    )
                continue
        else:
            index = by_name.get(entry.name)
            if index is None:
                continue
        result[index] = dataclasses.replace(result[index], inventory=entry.facts)
    return result, problems


def _rename_duplicates(
    loaded: Iterable[_Loaded],
) -> tuple[list[model.Device], list[model.LoadProblem]]:
    devices: list[model.Device] = []
    problems: list[model.LoadProblem] = []
    first: dict[str, model.Device] = {}
    for item in loaded:
        if item.problem is not None:
            problems.append(item.problem)
        device = item.device
        if device is None:
            continue
        earlier = first.get(device.name)
        if earlier is not None:
            line = device.hostname.span.line if device.hostname else 1
            earlier_line = earlier.hostname.span.line if earlier.hostname else 1
            new_name = f"{device.name}@{Path(device.file).stem}"
            problems.append(
                model.LoadProblem(
                    "DMV004",
                    device.file,
                    line,
                    f"{device.file}:{line}: device name {device.name} is already used by "
                    f"{earlier.file}:{earlier_line}; this config is checked as {new_name}",
                    device.name,
                )
            )
            device = dataclasses.replace(device, name=new_name)
        else:
            first[device.name] = device
        devices.append(device)
    return devices, problems


def load_fleet(
    paths: Sequence[str],
    inventory: str | None = None,
    jobs: int | None = None,
    cache: DeviceCache | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> model.Fleet:
    """Load every config under `paths` (files or directories) into a Fleet.

    Raises InputError for usage errors only; per-file trouble is in `Fleet.problems`.
    `jobs` is the number of worker processes (default `WORKERS`, one: everything in this
    process; 2 reads and splits big fleets in two workers while this process builds).
    `cache` (frontend/cache.py) reuses the Devices of unchanged files; `progress` is told
    (files done so far, files in all) as loading goes on.
    """
    if not paths:
        raise InputError("no configuration path given")
    files, found_inventories, problems = collect_files(paths)
    if inventory is not None and not os.path.exists(inventory):
        raise InputError(f"{inventory}: no such file or directory")
    inventory_path = inventory if inventory is not None else next(iter(found_inventories), None)
    if not files:
        raise InputError(
            f"no configuration files ({', '.join('*' + s for s in CONFIG_SUFFIXES)}) "
            f"in {', '.join(paths)}"
        )
    # Loading makes millions of small acyclic objects; the cyclic collector would walk the
    # growing heap again and again (a third of the run time on 10,000 devices) for nothing.
    collecting = gc.isenabled()
    gc.disable()
    advance: Progress | None = None
    if progress is not None:
        done = [0]
        total = len(files)

        def advance(count: int) -> None:
            done[0] += count
            progress(done[0], total)

    try:
        if cache is not None:
            loaded = _load_cached(files, jobs, cache, advance)
        else:
            loaded = _load_all(files, jobs, advance)
    finally:
        if collecting:
            gc.enable()
    devices, more = _rename_duplicates(loaded)
    problems.extend(more)
    if not devices:
        reasons = "; ".join(p.message for p in problems[:3])
        raise InputError(f"no readable IOS configuration: {reasons}")
    if inventory_path is not None:
        devices, more = _apply_inventory(devices, inventory_path)
        problems.extend(more)
    return model.Fleet(tuple(devices), tuple(problems), inventory_path)
