"""Reading a gatespec payload in Python: the input profile, then the schema.

Part of the pydantic recipe in the README (section "For teams that consume
the schemas"); CI runs it through tests/python/recipe_pydantic.py. Copy it
into your service as it is.

`loads` enforces the input profile (I-JSON, RFC 7493, with a nesting limit),
which no JSON Schema can state and Python's `json` does not check: it
refuses duplicate members, NaN and Infinity, numbers beyond binary64, lone
surrogates, noncharacters, nesting past 64 levels and payloads over 1 MiB.
`parse` then validates against the published schema with python-jsonschema
(whose verdicts CI proves equal to gatespec's own) and only then builds the
pydantic model, so rules that pydantic cannot express still hold.
"""

import json
import math

from jsonschema import Draft202012Validator

MAX_DEPTH = 64
MAX_BYTES = 1 << 20


class OutsideProfile(ValueError):
    """The payload is not I-JSON within gatespec's limits."""


def _no_duplicates(pairs):
    members = {}
    for key, value in pairs:
        if key in members:
            raise OutsideProfile(f"member {key!r} is named twice")
        members[key] = value
    return members


def _no_constants(name):
    raise OutsideProfile(f"{name} is not a JSON number")


def _finite(text):
    value = float(text)
    if math.isinf(value):
        raise OutsideProfile(f"{text} is beyond binary64")
    return value


def _integer(text):
    try:
        value = int(text)
        float(value)
    except (OverflowError, ValueError):
        raise OutsideProfile(f"{text[:20]}... is beyond binary64") from None
    return value


def _check_text(text):
    for ch in text:
        n = ord(ch)
        if 0xD800 <= n <= 0xDFFF:
            raise OutsideProfile(f"lone surrogate U+{n:04X}")
        if 0xFDD0 <= n <= 0xFDEF or n & 0xFFFE == 0xFFFE:
            raise OutsideProfile(f"noncharacter U+{n:04X}")


def _walk(value, depth):
    if isinstance(value, (dict, list)) and depth > MAX_DEPTH:
        raise OutsideProfile(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for key, member in value.items():
            _check_text(key)
            _walk(member, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _walk(item, depth + 1)
    elif isinstance(value, str):
        _check_text(value)


def loads(data):
    """Parses a payload (bytes or str) that must satisfy the input profile."""
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BYTES:
        raise OutsideProfile(f"{len(data)} bytes, more than {MAX_BYTES}")
    if data.startswith(b"\xef\xbb\xbf"):
        raise OutsideProfile("a byte order mark")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise OutsideProfile(f"not UTF-8: {e}") from None
    value = json.loads(
        text,
        object_pairs_hook=_no_duplicates,
        parse_constant=_no_constants,
        parse_float=_finite,
        parse_int=_integer,
    )
    _walk(value, 0)
    return value


def parse(model, schema, data):
    """Reads `data` as `model` (a class datamodel-codegen generated from
    `schema`): the profile, then the schema, then pydantic."""
    value = loads(data)
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(value)
    return model.model_validate(value)
