"""A technician's netmiko session, run on a lab node (``python switch_client.py HOST OPS_JSON``): each operation's
result as JSON on stdout. Copied into the node's /tmp by the tests and the bench (a node does not see the source
tree)."""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from netmiko import ConnectHandler


def main(host: str, ops: list[dict[str, Any]], user: str, password: str, secret: str) -> list[Any]:
    started = time.monotonic()
    conn = ConnectHandler(device_type="cisco_ios", host=host, username=user, password=password, secret=secret)
    results: list[Any] = [{"connect": time.monotonic() - started, "prompt": conn.find_prompt()}]
    for op in ops:
        began = time.monotonic()
        if "enable" in op:
            conn.enable()
            result: Any = conn.find_prompt()
        elif "config" in op:
            result = conn.send_config_set(op["config"])
        elif "save" in op:
            result = conn.save_config()
        elif "timing" in op:  # a command that asks questions: answered line by line
            result = conn.send_command_timing(op["timing"], strip_prompt=False, strip_command=False, read_timeout=30)
            for answer in op.get("answers", []):
                result += conn.send_command_timing(answer, strip_prompt=False, strip_command=False, read_timeout=30)
        else:
            result = conn.send_command(op["show"], use_textfsm=op.get("textfsm", False), raise_parsing_error=op.get("textfsm", False))
        results.append({"result": result, "took": time.monotonic() - began})
    conn.disconnect()
    return results


if __name__ == "__main__":
    args = json.loads(sys.argv[2])
    print(json.dumps(main(sys.argv[1], args["ops"], args["user"], args["password"], args.get("secret", ""))))
