"""Build hook: compile `rules/_speedups.c` (with the `rules/_*.h` it includes), the
matcher's fast path.

The extension is optional. Without a C compiler (or Python headers) the build goes on
and `rules.fastnorm` runs its pure-Python passes, which give the same results more
slowly. The compiler is `$CC` when set, else the one Python was built with. The
compiled module carries the SHA-256 of its sources, so `rules.fastnorm` can refuse a
module built from older ones (a checkout edited without `make`).
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("rules/_speedups.c")


class SpeedupsHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        target = compile_speedups(root)
        if target is None or self.target_name != "wheel" or version == "editable":
            return  # an editable install imports the module from the source tree
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        build_data["force_include"][str(target)] = target.relative_to(root).as_posix()


def compile_speedups(root: Path) -> Path | None:
    """Compile the extension next to its source; its path, or None when that failed."""
    source = root / SOURCE
    target = source.with_name("_speedups" + sysconfig.get_config_var("EXT_SUFFIX"))
    sources = [source, *sorted(source.parent.glob("_*.h"))]  # as rules.fastnorm reads them
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in sources))
    compiler = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    command = [
        *compiler,
        "-shared",
        "-fPIC",
        "-O2",
        "-Wall",
        f'-DSOURCE_HASH="{digest.hexdigest()}"',
        f"-I{sysconfig.get_paths()['include']}",
        str(source),
        "-o",
        str(target),
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as error:
        details = getattr(error, "stderr", "") or str(error)
        sys.stderr.write(f"newswatch: {SOURCE} not compiled, pure Python used: {details}\n")
        return None
    return target
