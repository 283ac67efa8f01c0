"""Schemathesis hooks: every generated Gate request and Payment Page query
is signed with the project's secret before it is sent, as a merchant's
client signs it, so Schemathesis tests what the sandbox does with signed
requests rather than the signature check alone.

The project and secret come from GATESPEC_PROJECT and GATESPEC_SECRET; the
signature is made by `gatespec sign` (GATESPEC_BIN), the one
implementation of the algorithm.
"""

import json
import os
import subprocess
import uuid

import schemathesis

PROJECT = int(os.environ["GATESPEC_PROJECT"])
GATESPEC = os.environ["GATESPEC_BIN"]


def _follow_ups(path):
    """The operations a link leads to: they act on a payment an earlier
    request opened, so they keep the payment id the link gave them."""
    with open(path) as f:
        doc = json.load(f)
    found = set()
    for item in doc.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            for answer in op.get("responses", {}).values():
                for link in (answer.get("links") or {}).values():
                    found.add(link.get("operationId"))
    return found


FOLLOW_UPS = _follow_ups(os.environ["GATESPEC_DOC"])


def _sign(value, *flags):
    done = subprocess.run(
        [GATESPEC, "sign", *flags],
        input=json.dumps(value, ensure_ascii=False, separators=(",", ":")),
        capture_output=True,
        text=True,
        check=False,
    )
    return done.returncode, done.stdout.strip()


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    body = case.body
    if isinstance(body, dict) and isinstance(body.get("general"), dict):
        body["general"]["project_id"] = PROJECT
        follow_up = case.operation.definition.raw.get("operationId") in FOLLOW_UPS
        linked = str(body["general"].get("payment_id", "")).startswith("st-")
        if "payment_id" in body["general"] and not (follow_up and linked):
            # A payment id is unique within the project (000, 003, 004):
            # each request opens a payment of its own; a follow-up keeps the
            # id a link gave it, of a payment an earlier request opened.
            body["general"]["payment_id"] = f"st-{uuid.uuid4().hex}"
        body["general"].pop("signature", None)
        code, signed = _sign(body)
        # A body gatespec refuses to sign (a key holding `:`) goes as it
        # is: the sandbox must refuse it, which the checks then judge.
        if code == 0:
            case.body = json.loads(signed)
    elif case.operation.method.upper() == "GET" and isinstance(case.query, dict):
        flat = {}
        for k, v in case.query.items():
            if k == "signature":
                continue
            flat[k] = v if isinstance(v, str) else json.dumps(v, separators=(",", ":"))
        flat["project_id"] = str(PROJECT)
        flat["payment_id"] = f"st-{uuid.uuid4().hex}"
        code, signature = _sign(flat, "--signature-only")
        if code == 0:
            flat["signature"] = signature
            case.query = flat
