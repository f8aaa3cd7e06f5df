"""openapi-core judging every exchange the e2e tests had with a generated server: the request
as the server received it (from a generated client, or written by hand) and the response it
sent, recorded by e2e/src/recording.rs (E2E_RECORD_DIR) and checked against the spec the
server was generated from.

    python3 e2e/oracles/exchanges_openapi_core.py RECORD_DIR

Verdicts, per exchange:
- the server accepted the request (2xx): openapi-core must find the request valid;
- the runtime refused it as malformed (a 400, 415 or 422 problem): openapi-core must find it
  invalid too;
- a response whose status the spec documents must validate (body and headers), but the
  runtime's own refusals: an RFC 9457 problem under a status the spec documents with another
  body is counted apart (generated servers answer refusals so unless `Api::refuse` is
  overridden to answer in the spec's shape).
Exchanges with servers no spec describes (token endpoints written by hand in the tests) match
no spec and are counted apart, as are the readings openapi-core 0.23.1 cannot make (SKIPPED).
Exits 1 on any failure.
"""

import base64
import json
import pathlib
import re
import sys
from urllib.parse import parse_qsl, urlsplit

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound, ServerNotFound
from openapi_core.templating.responses.exceptions import ResponseNotFound
from werkzeug.datastructures import Headers, ImmutableMultiDict

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
SEEDS = sorted((ROOT / "specs").glob("*.yaml"))
E2E = sorted(p for p in (ROOT / "e2e" / "specs").glob("*.yaml"))
# Specs generated under an apigen.toml sit in a folder of their own beside it.
CONFIGURED = sorted(p for toml in (ROOT / "e2e" / "specs").glob("*/apigen.toml") for p in toml.parent.glob("*.yaml"))

# The formats openapi-core 0.23.1 does not check, by the runtime's words for a value outside one.
UNCHECKED_FORMATS = {
    text: "hostname, email and URI formats (openapi-core 0.23.1 does not check them)"
    for text in ("not a host name", "not an email address", "not an absolute URI", "not a URI reference")
}

# What openapi-core 0.23.1 cannot read, by request path prefix, with the reason; the wire
# matrix (e2e/src/style_matrix.rs) checks these against the spec's own text instead.
SKIPPED = {
    "/path/label/": "label paths (reported missing)",
    "/path/matrix/": "matrix paths (reported missing)",
    "/label/": "label paths (reported missing)",
    "/matrix/": "matrix paths (reported missing)",
    "/query/spaceDelimited/": "spaceDelimited values (kept as raw text)",
    "/query/pipeDelimited/": "pipeDelimited values (kept as raw text)",
    "/query/form/exploded/object": "exploded form objects (reported missing)",
    "/cookie/cookie/": "OpenAPI 3.2's cookie style (0.23.1 knows 3.0 and 3.1 styles)",
    "/checkout": "bracketed form members (no OpenAPI meaning; e2e/tests/forms.rs)",
}

# Sequential media types, whose items OpenAPI 3.2 describes with `itemSchema`, which
# openapi-core 0.23.1 does not read: it would take any request body of them for valid.
SEQUENTIAL = {"application/jsonl", "application/x-ndjson", "application/json-seq"}

# The spec each test binary's generated servers come from, tried first (several specs share
# paths such as /items/{id}); any other spec is tried after.
SPEC_OF = {
    "aisquare_studio": "aisquare-studio.yaml", "auth_api_v2": "auth-api-v2.yaml",
    "authenticate_refresh": "authenticate-refresh.yaml", "bnn_console": "bnn-console.yaml",
    "forsta_atlas": "forsta-atlas.yaml", "secrets": "auth-api-v2.yaml", "server_limits": "auth-api-v2.yaml",
    "forms": "wire.yaml", "wire": "wire.yaml", "styles": "styles.yaml", "parameters": "parameters.yaml",
    "routing": "routing.yaml", "schemas": "schemas.yaml", "unions": "unions.yaml", "formats": "formats.yaml",
    "defaults": "defaults.yaml", "constraints": "constraints.yaml",
    "oauth2": "protected.yaml", "jwks": "protected.yaml", "jwt_verifier": "protected.yaml",
    "configured": "pets.yaml", "streaming": "streaming.yaml", "methods": "methods.yaml",
}


class Request:
    """A recorded request in the shape openapi-core reads (its Request protocol)."""

    def __init__(self, exchange):
        target = urlsplit(exchange["target"])
        headers = Headers(exchange["request_headers"])
        self.host_url = "http://127.0.0.1"
        self.path = target.path
        self.method = exchange["method"].lower()
        self.full_url_pattern = self.host_url + self.path
        cookies = {}
        for header in headers.getlist("cookie"):
            for pair in header.split(";"):
                if "=" in pair:
                    name, value = pair.strip().split("=", 1)
                    cookies[name] = value
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(target.query, keep_blank_values=True)),
            header=headers,
            cookie=ImmutableMultiDict(cookies),
        )
        body = base64.b64decode(exchange["request_body"])
        self.body = body or None
        self.content_type = headers.get("content-type", "")


class Response:
    def __init__(self, exchange):
        self.status_code = exchange["status"]
        self.headers = Headers(exchange["response_headers"])
        self.data = base64.b64decode(exchange["response_body"])
        self.content_type = self.headers.get("content-type", "")


def json_or_bytes(data):
    """A body openapi-core has no deserializer for (`*/*`, a `+json` type): JSON when it is."""
    try:
        return json.loads(data)
    except ValueError:
        return data


def octets(data):
    """A binary body (`type: string, format: binary`): its bytes, one character each, since
    openapi-core 0.23.1 passes bytes that its string check refuses."""
    return data.decode("latin-1") if isinstance(data, bytes) else data


def normalise_mappings(value):
    """Discriminator mappings that name a schema (`dog: Dog`) as the references OpenAPI says
    they stand for; openapi-core resolves only references."""
    if isinstance(value, dict):
        mapping = value.get("discriminator", {}).get("mapping") if isinstance(value.get("discriminator"), dict) else None
        for key, target in (mapping or {}).items():
            if "/" not in target and "#" not in target:
                mapping[key] = f"#/components/schemas/{target}"
        for child in value.values():
            normalise_mappings(child)
    elif isinstance(value, list):
        for child in value:
            normalise_mappings(child)


def media_types(value, found):
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "content" and isinstance(child, dict):
                found.update(child)
            media_types(child, found)
    return found


def delimited_parameters(spec):
    """(path pattern, name) of each query parameter in `spaceDelimited` or `pipeDelimited`
    style, which openapi-core 0.23.1 keeps as raw text."""
    found = []
    for template, item in (spec.get("paths") or {}).items():
        pattern = path_pattern(template)
        operations = [item] + [value for value in item.values() if isinstance(value, dict)]
        for operation in operations:
            for parameter in operation.get("parameters") or []:
                if parameter.get("in") == "query" and parameter.get("style") in ("spaceDelimited", "pipeDelimited"):
                    found.append((pattern, parameter["name"]))
    return found


DELIMITED = []
# (path pattern) of each operation whose whole query string is one value other than a form
# (3.2's `in: querystring` of JSON or text), which openapi-core 0.23.1 cannot read.
UNREAD_QUERY_STRINGS = []


def path_pattern(template):
    return re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$")


def for_openapi_core(spec):
    """What openapi-core 0.23.1 cannot read of OpenAPI 3.2, said as it reads it: each method of
    `additionalOperations` as a path-item member of its lower-case name (how it looks a
    request's method up), and a form `in: querystring` parameter as the query parameters of
    its schema's properties, each in the style its `encoding` gives. Returns whether the
    spec's path items changed so (the 3.1 spec validator refuses such members)."""
    changed = False
    schemas = (spec.get("components") or {}).get("schemas") or {}
    for template, item in (spec.get("paths") or {}).items():
        for method, operation in (item.pop("additionalOperations", None) or {}).items():
            item[method.lower()] = operation
            changed = True
        for operation in [value for value in item.values() if isinstance(value, dict)]:
            parameters = operation.get("parameters") or []
            for index, parameter in enumerate(parameters):
                if parameter.get("in") != "querystring":
                    continue
                ((media_type, media),) = parameter["content"].items()
                if media_type != "application/x-www-form-urlencoded":
                    UNREAD_QUERY_STRINGS.append(path_pattern(template))
                    del parameters[index]
                    break
                schema = media["schema"]
                if "$ref" in schema:
                    schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
                encoding = media.get("encoding") or {}
                parameters[index : index + 1] = [
                    {
                        "name": name,
                        "in": "query",
                        "required": name in (schema.get("required") or []),
                        "schema": member,
                        "style": encoding.get(name, {}).get("style", "form"),
                        # OpenAPI: `explode` defaults to true for `form` only.
                        "explode": encoding.get(name, {}).get(
                            "explode", encoding.get(name, {}).get("style", "form") == "form"
                        ),
                    }
                    for name, member in (schema.get("properties") or {}).items()
                ]
                break
    return changed


def load(path):
    """The spec with its servers reduced to their paths, as the generated router mounts them."""
    spec = yaml.safe_load(path.read_text())
    DELIMITED.extend(delimited_parameters(spec))
    if spec.get("swagger"):
        return None  # Swagger 2.0: openapi-core reads 3.x only.
    servers = spec.get("servers") or [{"url": "/"}]
    spec["servers"] = [{"url": urlsplit(servers[0]["url"]).path or "/"}]
    normalise_mappings(spec)
    rewritten = for_openapi_core(spec)
    unread = {media: json_or_bytes for media in media_types(spec, set()) if media == "*/*" or media.endswith("+json")}
    unread["application/octet-stream"] = octets
    config = Config(extra_media_type_deserializers=unread)
    if rewritten:
        config = Config(extra_media_type_deserializers=unread, spec_validator_cls=None)
    try:
        return OpenAPI.from_dict(spec, base_uri=path.as_uri(), config=config)
    except RecursionError:
        # openapi-spec-validator recurses without end into schemas that refer to themselves
        # with no way out (e2e/specs/cyclic.yaml, whose server no test runs).
        print(f"{path.name}: openapi-core cannot read it (its schemas refer to themselves without end); left out")
        return None


def is_problem(response):
    return response.content_type.split(";")[0].strip() == "application/problem+json"


def main():
    record_dir = pathlib.Path(sys.argv[1])
    specs = [(path, load(path)) for path in SEEDS + E2E + CONFIGURED]
    specs = [(path, openapi) for path, openapi in specs if openapi is not None]
    passed, failed, unmatched = 0, [], 0
    skipped, undocumented, default_refusals = {}, {}, {}
    for record in sorted(record_dir.glob("*.jsonl")):
        preferred = SPEC_OF.get(record.stem)
        ordered = sorted(specs, key=lambda entry: entry[0].name != preferred)
        for line in record.read_text().splitlines():
            exchange = json.loads(line)
            request, response = Request(exchange), Response(exchange)
            reason = next((why for prefix, why in SKIPPED.items() if request.path.startswith(prefix)), None)
            if reason is None and any(
                pattern.match(request.path) and name in request.parameters.query for pattern, name in DELIMITED
            ):
                reason = "spaceDelimited and pipeDelimited values (kept as raw text)"
            if reason is None and request.content_type.split(";")[0].strip() in SEQUENTIAL:
                reason = "streamed request bodies (openapi-core 0.23.1 reads no itemSchema; e2e/tests/streaming.rs)"
            if reason is None and any(pattern.match(request.path) for pattern in UNREAD_QUERY_STRINGS):
                reason = "OpenAPI 3.2's query strings other than forms (e2e/tests/methods.rs pins them by hand)"
            if reason is None and "=" in exchange["target"] and any(
                value == "" for value in request.parameters.query.values()
            ):
                reason = "empty query values (refused without allowEmptyValue, which 3.2 deprecates)"
            if reason:
                skipped[reason] = skipped.get(reason, 0) + 1
                continue
            found = None
            for path, openapi in ordered:
                result = openapi.unmarshal_request(request)
                if any(isinstance(error, (PathNotFound, OperationNotFound, ServerNotFound)) for error in result.errors):
                    continue
                found = (path, openapi, result)
                break
            if found is None:
                unmatched += 1
                continue
            path, openapi, result = found
            name = f"{record.stem}: {exchange['method']} {exchange['target'][:90]} -> {response.status_code} ({path.name})"
            problems = []
            request_errors = [str(error) for error in result.errors]
            if 200 <= response.status_code < 300 and request_errors:
                problems.append(f"accepted, but openapi-core finds the request invalid: {request_errors}")
            if response.status_code in (400, 415, 422) and is_problem(response) and not request_errors:
                # openapi-core 0.23.1 checks no hostname, email or URI format: such a refusal
                # is counted apart, not judged (e2e/tests/formats.rs pins each by hand).
                detail = json.dumps(json.loads(response.data or b"{}").get("errors", ""))
                unchecked = next((why for text, why in UNCHECKED_FORMATS.items() if text in detail), None)
                if unchecked:
                    skipped[unchecked] = skipped.get(unchecked, 0) + 1
                    continue
                problems.append("refused as malformed, but openapi-core finds the request valid")
            response_result = openapi.unmarshal_response(request, response)
            errors = response_result.errors
            if any(isinstance(error, ResponseNotFound) for error in errors):
                undocumented[response.status_code] = undocumented.get(response.status_code, 0) + 1
            elif errors and is_problem(response):
                default_refusals[response.status_code] = default_refusals.get(response.status_code, 0) + 1
            elif errors and not (response.status_code == 204 and not response.data):
                problems.append(f"the response is invalid: {[str(error) for error in errors]}")
            if problems:
                failed.append(name)
                print(f"FAIL {name}: {problems}")
            else:
                passed += 1
    print(f"skipped, as openapi-core 0.23.1 cannot read them: {skipped}")
    print(
        f"{passed} exchanges valid, {len(failed)} invalid; {unmatched} with servers no spec describes "
        f"(token endpoints written by hand); refusals as RFC 9457 problems under statuses the specs "
        f"document otherwise: {dict(sorted(default_refusals.items()))}; statuses the specs do not "
        f"document: {dict(sorted(undocumented.items()))}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
