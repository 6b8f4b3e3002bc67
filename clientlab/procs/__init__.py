"""The one home for child processes: the learner's code under a supervisor, servers that stop when their
parent goes, and importing a learner's file or `module:attribute`.

- `Sandbox` (parent side) runs a command under `clientlab.procs.supervisor`, which ends every process the
  command starts, bounds its output and memory, and holds its time limit.
- `stop_when_parent_goes` / `exit_when_parent_goes` (child side) end a server whose parent exited, was
  killed, or forked and then exited.
- `load_target` / `import_file` import what a learner points the course at.
"""

from .imports import Target, import_file, load_target
from .parent_watch import exit_when_parent_goes, stop_when_parent_goes
from .ready import read_first_line
from .sandbox import Sandbox, SandboxReport

__all__ = [
    "Sandbox",
    "SandboxReport",
    "Target",
    "exit_when_parent_goes",
    "import_file",
    "load_target",
    "read_first_line",
    "stop_when_parent_goes",
]
