"""Render device plans through a target's jinja2 templates (`targets/<target>/`).

A target is a folder with a `manifest.yaml` (which template renders a device, how its output
file is named, which templates it has) and the templates. It is read through
`resources.targets_dir()`, so the same code works from a checkout and from an installed wheel.
`StrictUndefined` turns a misspelt plan attribute into an error instead of an empty line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import jinja2
import yaml

from dmvpnlint.generate.errors import GenerateError
from dmvpnlint.generate.plan import DevicePlan
from dmvpnlint.resources import targets_dir


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    description: str
    device_template: str
    output: str  # a format string with {name}
    files: tuple[str, ...]

    def file_name(self, device: str) -> str:
        return self.output.format(name=device)


def available_targets() -> list[str]:
    return sorted(t.name for t in targets_dir().iterdir()
                  if t.is_dir() and t.joinpath("manifest.yaml").is_file())


@cache
def load_target(name: str) -> Target:
    folder = targets_dir().joinpath(name)
    manifest = folder.joinpath("manifest.yaml")
    if not manifest.is_file():
        known = ", ".join(available_targets()) or "none"
        raise GenerateError(f"unknown target '{name}' (known: {known})")
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    return Target(
        name=data["name"],
        description=data["description"],
        device_template=data["device"],
        output=data["output"],
        files=tuple(data["files"]),
    )


@cache
def environment(name: str) -> jinja2.Environment:
    folder = targets_dir().joinpath(name)

    def source(template: str) -> str | None:
        path = folder.joinpath(template)
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return jinja2.Environment(
        loader=jinja2.FunctionLoader(source),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # IOS text, not HTML
    )


def render_device(target: Target, plan: DevicePlan) -> str:
    """One device's configuration text."""
    template = environment(target.name).get_template(target.device_template)
    return template.render(device=plan)
