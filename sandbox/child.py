"""The child side of sandbox.run_python: read the payload, call the target, print the result."""

import importlib
import json
import os
import sys

from sandbox import _MEMORY_EXIT


def main(target):
    module_name, _, function_name = target.partition(":")
    function = getattr(importlib.import_module(module_name), function_name)
    payload = json.loads(sys.stdin.buffer.read() or b"null")
    try:
        result = function(payload)
    except MemoryError:
        sys.stderr.write("MemoryError\n")
        sys.stderr.flush()
        # os._exit: unwinding after a MemoryError may itself need memory.
        os._exit(_MEMORY_EXIT)
    sys.stdout.write(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
