"""Type conformance, the independent half: for each schema a generated type stands for,
instances from hypothesis-jsonschema (driven by the spec's own schema, $refs resolved in the
spec's document, not by apigen's model), each sent through the type (decode, encode) by the
spec's `roundtrip` binary; what comes back is judged by jsonschema, the reference validator,
and its declared members compared with what went in.

    driver.py WORK [--instances N] [--seed S] [--schema-seconds T] [--max-schemas M]

WORK holds one folder per spec: `original.json` (the spec as written, or null), `normalized.json`
(as apigen reads it: 3.0, files bundled), `version`, `types.json` ([pointer, rust name] pairs)
and `roundtrip` (the binary). Prints one line per spec and the totals, and writes
`WORK/report.json`. With `--schema-seconds`, drawing one schema's instances stops after T
seconds (hypothesis-jsonschema can take minutes on a large schema of the biggest specs); such
a schema counts as without generated instances, and the totals say how many. With
`--max-schemas`, a spec with more schemas is judged on M of them, evenly spaced in its order.
"""

import base64
import copy
import ipaddress
import json
import math
import pathlib
import signal
import struct
import subprocess
import sys
import warnings

import hypothesis
import hypothesis_jsonschema
import jsonschema
from hypothesis import HealthCheck, settings, strategies

warnings.filterwarnings("ignore")

# OpenAPI keywords that are not JSON Schema's, or that hypothesis-jsonschema cannot read.
OPENAPI_ONLY = {"discriminator", "xml", "externalDocs", "example", "examples", "deprecated", "readOnly",
                "writeOnly", "nullable", "x-nullable", "$schema", "$id", "contentMediaType", "contentEncoding"}


# The largest single-precision value as it is written (the shortest text that reads back as
# it; its exact value, 3.4028234663852886e38, is smaller than that text read as a double).
FLOAT_MAX = 3.4028235e38
INTEGER_RANGES = {
    **{f"int{bits}": (-(2**(bits - 1)), 2**(bits - 1) - 1) for bits in (8, 16, 32, 64)},
    **{f"uint{bits}": (0, 2**bits - 1) for bits in (8, 16, 32, 64)},
    "uint": (0, 2**64 - 1),
}


def unescape_token(token):
    """A JSON pointer token (RFC 6901) as the name it stands for."""
    return token.replace("~1", "/").replace("~0", "~")


def pointer_get(document, pointer):
    node = document
    for token in pointer.lstrip("#").split("/")[1:]:
        token = unescape_token(token)
        if isinstance(node, list):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            return None
    return node


def to_json_schema(node, openapi30):
    """An OpenAPI schema as JSON Schema: 3.0's `nullable` as a null type, extensions and
    OpenAPI-only keywords dropped."""
    if isinstance(node, list):
        return [to_json_schema(item, openapi30) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key.startswith("x-") or key in OPENAPI_ONLY:
            continue
        if key in ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas"):
            out[key] = {name: to_json_schema(schema, openapi30) for name, schema in value.items()} if isinstance(value, dict) else value
        elif key in ("enum", "const", "default", "required"):
            out[key] = value
        else:
            out[key] = to_json_schema(value, openapi30)
    # OpenAPI 3.1 writes base64 content (3.0's `format: byte`) as `contentEncoding: base64`,
    # which JSON Schema only annotates: drawn and judged as OpenAPI's byte.
    if node.get("type") == "string" and node.get("contentEncoding") == "base64" and "format" not in node:
        out["format"] = "byte"
    # Integer formats are ranges (int32 is a signed 32-bit integer, uint64 an unsigned 64-bit
    # one). A documented choice of apigen's, as of every generator it is measured against: an
    # integer of no (or another) format is 64 bits wide, signed.
    if node.get("type") == "integer":
        low, high = INTEGER_RANGES.get(node.get("format"), INTEGER_RANGES["int64"])
        out.setdefault("minimum", low)
        out.setdefault("maximum", high)
    # `format: float` is single precision: its range too.
    if node.get("type") == "number" and node.get("format") == "float":
        out.setdefault("minimum", -FLOAT_MAX)
        out.setdefault("maximum", FLOAT_MAX)
    # Documented choices too: a schema that declares members but no type is an object schema,
    # one that declares items but no type an array schema.
    if "type" not in node and ("properties" in node or "required" in node or "additionalProperties" in node):
        out["type"] = "object"
    elif "type" not in node and "items" in node:
        out["type"] = "array"
    # OpenAPI's rule beside JSON Schema's: the discriminator is present and its value names
    # the variant (by the mapping, or else by the schema's own name) that the value is of.
    tags = discriminator_values(node)
    if tags is not None:
        keyword = "oneOf" if node.get("oneOf") else "anyOf"
        named = lambda values: {"required": [node["discriminator"]["propertyName"]],
                                "properties": {node["discriminator"]["propertyName"]: {"enum": values}}}
        out[keyword] = [{"allOf": [choice, named(values)]} for choice, values in zip(out[keyword], tags)]
    if openapi30:
        # 3.0's boolean exclusive bounds, in the numeric form of later drafts.
        for exclusive, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if out.get(exclusive) is True and bound in out:
                out[exclusive] = out.pop(bound)
            elif isinstance(out.get(exclusive), bool):
                out.pop(exclusive)
    if openapi30 and node.get("nullable") is True:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if "enum" in out and None not in out["enum"]:
            out["enum"] = out["enum"] + [None]
        if "type" not in out and any(k in out for k in ("allOf", "oneOf", "anyOf", "$ref")):
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def discriminator_values(node):
    """The values of a union's discriminator that name each of its choices, or None when it
    has none (or a choice it cannot name)."""
    discriminator = node.get("discriminator")
    choices = node.get("oneOf") or node.get("anyOf")
    if not isinstance(discriminator, dict) or "propertyName" not in discriminator or not choices:
        return None
    mapping = discriminator.get("mapping") or {}
    values = []
    for choice in choices:
        reference = choice.get("$ref") if isinstance(choice, dict) else None
        if reference is None:
            return None
        name = reference.rsplit("/", 1)[-1]
        mapped = [value for value, target in mapping.items() if target in (reference, name)]
        values.append(mapped or [unescape_token(name)])
    return values


def root_schema(document, pointer, openapi30):
    """The schema at `pointer`, standing alone: the document's components beside it, so that
    its $refs resolve."""
    schema = pointer_get(document, pointer)
    if not isinstance(schema, (dict, bool)):
        return None
    root = {"allOf": [to_json_schema(schema, openapi30)]} if isinstance(schema, dict) else schema
    if isinstance(root, dict):
        for holder in ("components", "definitions", "$defs"):
            if holder in document:
                root[holder] = to_json_schema(document[holder], openapi30) if holder != "components" else {
                    kind: ({name: to_json_schema(value, openapi30) for name, value in items.items()}
                           if kind == "schemas" and isinstance(items, dict) else items)
                    for kind, items in document["components"].items()
                }
    return root


# OpenAPI's formats that JSON Schema does not define, as OpenAPI defines them (hypothesis-
# jsonschema would otherwise draw any text): `byte` is base64 (RFC 4648), `uuid` RFC 4122's
# text, as Python writes them.
OPENAPI_FORMATS = {
    "byte": strategies.binary().map(lambda data: base64.b64encode(data).decode()),
    "uuid": strategies.uuids().map(str),
}


class OutOfTime(BaseException):
    """Drawing a schema's instances took longer than `--schema-seconds` (not an `Exception`:
    hypothesis would take one for a failing example and replay it)."""


def on_alarm(signum, frame):
    raise OutOfTime()


def instances(schema, count, seed):
    found = []
    strategy = hypothesis_jsonschema.from_schema(schema, custom_formats=OPENAPI_FORMATS)

    @settings(max_examples=count, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
    @hypothesis.given(strategy)
    @hypothesis.seed(seed)
    def collect(value):
        if value not in found:
            found.append(value)

    collect()
    return found


def same(left, right):
    """Equal as JSON values: numbers by value, key order ignored."""
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right if isinstance(left, bool) and isinstance(right, bool) else False
    if isinstance(left, (int, float)) and isinstance(right, (int, float)):
        return float(left) == float(right)
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right))
    return left == right


def parts(document, node, seen=None):
    """The schemas a value of `node` must satisfy all or some of: itself and, through `$ref`s,
    its `allOf`, `anyOf` and `oneOf` parts."""
    seen = seen if seen is not None else set()
    if not isinstance(node, dict):
        return []
    if "$ref" in node:
        reference = node["$ref"]
        if reference in seen or not reference.startswith("#"):
            return []
        seen.add(reference)
        return parts(document, pointer_get(document, reference), seen)
    found = [node]
    for keyword in ("allOf", "anyOf", "oneOf"):
        for part in node.get(keyword) or []:
            found.extend(parts(document, part, seen))
    return found


def kept(instance, back, document, node):
    """Whether what came back keeps the instance's declared members as they went in, at every
    depth: members a schema does not declare may be dropped (keeping them is a choice a type
    makes where the schema allows them); other values must come back equal."""
    schemas = parts(document, node)
    if isinstance(instance, dict) and isinstance(back, dict):
        properties = {}
        for schema in schemas:
            if isinstance(schema.get("properties"), dict):
                properties.update(schema["properties"])
        if properties:
            return all(key not in instance or (key in back and kept(instance[key], back[key], document, sub))
                       for key, sub in properties.items())
        additional = [schema["additionalProperties"] for schema in schemas
                      if isinstance(schema.get("additionalProperties"), dict)]
        if additional:
            return instance.keys() == back.keys() and all(
                kept(instance[key], back[key], document, additional[0]) for key in instance)
    if isinstance(instance, list) and isinstance(back, list):
        items = [schema["items"] for schema in schemas if isinstance(schema.get("items"), dict)]
        if items:
            return len(instance) == len(back) and all(kept(a, b, document, items[0]) for a, b in zip(instance, back))
    # An IPv6 address comes back as the same address, in RFC 5952's text (Rust writes an
    # IPv4-mapped one `::ffff:192.0.2.7`, Python `::ffff:c000:207`).
    if any(schema.get("format") == "ipv6" for schema in schemas) and all(isinstance(value, str) for value in (instance, back)):
        try:
            return ipaddress.IPv6Address(instance) == ipaddress.IPv6Address(back)
        except ValueError:
            return False
    # `format: float` is single precision, as its type is: the value comes back rounded to it.
    if any(schema.get("format") == "float" for schema in schemas) and all(
            isinstance(value, (int, float)) and not isinstance(value, bool) for value in (instance, back)):
        return single(instance) == single(back)
    return same(instance, back)


def single(number):
    """A number rounded to single precision (out of its range: infinite)."""
    try:
        return struct.unpack("f", struct.pack("f", number))[0]
    except OverflowError:
        return math.copysign(math.inf, number)


def roundtrip(binary, name, values):
    """Each value through the type `name`: (accepted, back or error) per value; a crash of
    the binary (a stack overflow, say) is reported for the value it happened on."""
    results = []
    pending = list(values)
    while pending:
        lines = "".join(f"{name}\t{json.dumps(value)}\n" for value in pending)
        run = subprocess.run([binary], input=lines, capture_output=True, text=True, timeout=120)
        # Lines end at "\n" only: JSON text may hold other line separators (U+2028).
        answers = [line.split("\t", 1) for line in run.stdout.split("\n") if line]
        for kind, payload in answers:
            results.append((kind == "ok", json.loads(payload) if kind == "ok" else payload))
        pending = pending[len(answers):]
        if pending and run.returncode != 0:
            results.append((False, f"the process died: {run.stderr.strip().splitlines()[-1:] }"))
            pending = pending[1:]
        elif pending:
            break
    return results


def main():
    work = pathlib.Path(sys.argv[1])
    count = int(sys.argv[sys.argv.index("--instances") + 1]) if "--instances" in sys.argv else 20
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 0
    limit = float(sys.argv[sys.argv.index("--schema-seconds") + 1]) if "--schema-seconds" in sys.argv else 0
    most = int(sys.argv[sys.argv.index("--max-schemas") + 1]) if "--max-schemas" in sys.argv else 0
    signal.signal(signal.SIGALRM, on_alarm)
    report = {}
    totals = {"out_of_time": 0, "schemas": 0, "ungenerated": 0, "instances": 0, "accepted": 0, "round_tripped": 0, "unjudged": 0, "failures": 0}
    for folder in sorted(path for path in work.iterdir() if (path / "types.json").is_file()):
        original = json.loads((folder / "original.json").read_text())
        normalized = json.loads((folder / "normalized.json").read_text())
        version = (folder / "version").read_text().strip()
        binary = str(folder / "roundtrip")
        row = {"schemas": 0, "ungenerated": 0, "instances": 0, "accepted": 0, "round_tripped": 0, "unjudged": 0, "failures": []}
        types = json.loads((folder / "types.json").read_text())
        if most and len(types) > most:
            types = [types[index * len(types) // most] for index in range(most)]
        for pointer, name in types:
            # The spec's own schema where it is there as written (3.x); else as apigen reads it.
            use_original = version.startswith("3.1") and original is not None and pointer_get(original, pointer) is not None
            document, openapi30 = (original, False) if use_original else (normalized, True)
            schema = root_schema(document, pointer, openapi30)
            if schema is None:
                continue
            row["schemas"] += 1
            try:
                signal.setitimer(signal.ITIMER_REAL, limit)
                try:
                    values = instances(schema, count, seed)
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                validator_class = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
                validator = validator_class(schema)
            except OutOfTime:
                row["ungenerated"] += 1
                totals["out_of_time"] += 1
                continue
            except Exception:  # recursive refs, formats or keywords it cannot generate
                row["ungenerated"] += 1
                continue
            node = pointer_get(document, pointer)
            for value, (accepted, back) in zip(values, roundtrip(binary, name, values)):
                row["instances"] += 1
                if not accepted:
                    row["failures"].append({"pointer": pointer, "type": name, "instance": value, "why": f"refused: {back}"})
                    continue
                row["accepted"] += 1
                try:
                    errors = sorted(validator.iter_errors(back), key=lambda error: len(error.path))
                except Exception as error:  # a schema the validator cannot walk
                    row["unjudged"] += 1
                    continue
                if errors:
                    why = f"what it serialises is invalid: {errors[0].message[:200]}"
                elif not kept(value, back, document, node):
                    why = f"declared members changed: {json.dumps(back)[:200]}"
                else:
                    row["round_tripped"] += 1
                    continue
                row["failures"].append({"pointer": pointer, "type": name, "instance": value, "why": why})
        spec = (folder / "spec").read_text().strip()
        report[spec] = row
        for key in ("schemas", "ungenerated", "instances", "accepted", "round_tripped", "unjudged"):
            totals[key] += row[key]
        totals["failures"] += len(row["failures"])
        print(f"{spec[-70:]:70} schemas {row['schemas']:5} (ungenerated {row['ungenerated']:4})  instances {row['instances']:6}  "
              f"accepted {row['accepted']:6}  round-tripped {row['round_tripped']:6}")
        # The smallest failing instance of each schema.
        smallest = {}
        for failure in row["failures"]:
            key = failure["pointer"]
            if key not in smallest or len(json.dumps(failure["instance"])) < len(json.dumps(smallest[key]["instance"])):
                smallest[key] = failure
        for failure in smallest.values():
            print(f"    {failure['pointer']} ({failure['type']}): {json.dumps(failure['instance'])[:120]}: {failure['why'][:200]}")
    (work / "report.json").write_text(json.dumps(report, indent=1))
    share = lambda part, whole: f"{100.0 * part / whole:.2f}%" if whole else "-"
    print(f"\n{len(report)} specs: {totals['schemas']} schemas ({totals['ungenerated']} without generated instances, "
          f"{totals['out_of_time']} of them out of time), {totals['instances']} instances, {totals['accepted']} accepted ({share(totals['accepted'], totals['instances'])}), "
          f"{totals['round_tripped']} round-tripped ({share(totals['round_tripped'], totals['instances'])}), "
          f"{totals['unjudged']} accepted but not judged (a schema jsonschema cannot walk), {totals['failures']} failures")
    sys.exit(1 if totals["failures"] else 0)


if __name__ == "__main__":
    main()
