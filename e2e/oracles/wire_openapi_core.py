"""openapi-core, an OpenAPI implementation that shares no code with ours, judging the wire of
e2e/specs/wire.yaml both ways:

- requests written by hand from the spec's text go to the generated server; openapi-core
  validates each request (so the hand-written text is what the spec means) and the server's
  response, and the values the server read (it echoes them) must be the ones openapi-core
  read from the same request;
- the generated client sends its requests to a recording server here; openapi-core validates
  each one it receives (but those with label or matrix paths, which openapi-core 0.23.1
  cannot read; e2e/tests/wire.rs checks them against the spec's style examples).

    python3 e2e/oracles/wire_openapi_core.py PATH-TO-wire-oracle

Prints one line per check, then `N passed, N failed`; exits 1 when a check fails.
"""

import http.server
import json
import pathlib
import subprocess
import sys
import threading

import requests
from openapi_core import OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse

SPEC = pathlib.Path(__file__).resolve().parent.parent / "specs" / "wire.yaml"


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, name, ok, seen):
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {seen}")
        if ok:
            self.passed += 1
        else:
            self.failed.append(name)


def validated(openapi, request, response=None):
    """openapi-core's reading of a request (and its verdict on the response); errors as text."""
    openapi_request = RequestsOpenAPIRequest(request)
    result = openapi.unmarshal_request(openapi_request)
    errors = [str(error) for error in result.errors]
    if response is not None:
        response_result = openapi.unmarshal_response(openapi_request, RequestsOpenAPIResponse(response))
        errors += [f"response: {error}" for error in response_result.errors]
    return result, errors


def server_side(openapi, base, checks):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    cases = [
        ("array path parameter", "GET", "/items/1,2,3", {}, None, lambda p: {"ids": p.path["ids"]}),
        ("one-item array path parameter", "GET", "/items/7", {}, None, lambda p: {"ids": p.path["ids"]}),
        (
            "deepObject mixing a numeric-looking string and an integer",
            "GET",
            "/items/1?filter[status]=1&filter[min_total]=100",
            {},
            None,
            lambda p: {"filter": p.query["filter"]},
        ),
        (
            "exploded object path, objects in headers exploded and not",
            "GET",
            "/colors/R=100,G=200,B=150",
            {"X-Color": "R=100,G=200,B=150", "X-Shade": "R,100,G,200,B,150"},
            None,
            lambda p: {
                "path": [p.path["color"][k] for k in "RGB"],
                "x_color": [p.header["X-Color"][k] for k in "RGB"],
                "x_shade": [p.header["X-Shade"][k] for k in "RGB"],
            },
        ),
    ]
    for username in ["ann", "123", "true", "null"]:
        cases.append(
            (
                f"form body, username {username!r}",
                "POST",
                "/users",
                form,
                f"username={username}&age=30&nickname=a+b%26c",
                lambda p: {"username": p.body["username"], "age": p.body["age"], "nickname": p.body["nickname"]},
            )
        )
    for name, method, target, headers, body, expected in cases:
        request = requests.Request(method, base + target, headers=headers, data=body)
        response = requests.Session().send(request.prepare(), timeout=10)
        result, errors = validated(openapi, request, response)
        if errors:
            checks.check(name, False, errors)
            continue
        want = expected(result.parameters if result.body is None else _Reading(result))
        got = {key: response.json().get(key) for key in want}
        if "filter" in want:
            got["filter"] = {k: v for k, v in (got["filter"] or {}).items() if v is not None}
        checks.check(name, response.status_code in (200, 201) and _plain(got) == _plain(want), (response.status_code, got))
    # A form body whose properties have their own encodings (a delimited list, a pipe list,
    # a JSON member), answered as a form: openapi-core reads both with the spec's encodings.
    body = "username=123&tags=a&tags=b+c&scores=1,20&colors=blue%7Cblack&options=%7B%22gift%22%3Atrue%7D"
    request = requests.Request("PUT", base + "/preferences", headers=form, data=body)
    response = requests.Session().send(request.prepare(), timeout=10)
    result, errors = validated(openapi, request, response)
    want = {"username": "123", "tags": ["a", "b c"], "scores": [1, 20], "colors": ["blue", "black"], "options": {"gift": True}}
    if not errors:
        answer = openapi.unmarshal_response(RequestsOpenAPIRequest(request), RequestsOpenAPIResponse(response)).data
        seen = {"request": _plain(result.body), "response": _plain(answer)}
        ok = response.status_code == 200 and seen["request"] == want and seen["response"] == want
        checks.check("form body with per-property encodings, answered as a form", ok, seen)
    else:
        checks.check("form body with per-property encodings, answered as a form", False, errors)
    rate = requests.get(base + "/items/1", timeout=10).headers.get("x-rate")
    checks.check("list response header as the spec lays it out", rate == "x,y", rate)


class _Reading:
    """A request's parameters and body as openapi-core read them."""

    def __init__(self, result):
        self.path, self.query, self.header = result.parameters.path, result.parameters.query, result.parameters.header
        self.body = result.body


def _plain(value):
    return json.loads(json.dumps(value, default=dict))


def client_side(openapi, oracle, checks):
    recorded = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else None
            recorded.append((self.command, self.path, dict(self.headers), body))
            status = 201 if self.command == "POST" else 200
            payload = b"{}"
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = _answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    subprocess.run([oracle, "client", base], check=True, timeout=60)
    server.shutdown()
    checks.check("the client sent its requests", len(recorded) == 9, len(recorded))
    for method, target, headers, body in recorded:
        if target.startswith(("/label/", "/matrix/")):
            # openapi-core 0.23.1 reads no label or matrix path parameter (it reports them
            # missing); e2e/tests/wire.rs checks those against the spec's style examples.
            continue
        request = requests.Request(method, base + target, headers=headers, data=body)
        result, errors = validated(openapi, request)
        reading = _plain(
            {"path": dict(result.parameters.path), "query": dict(result.parameters.query), "body": result.body}
        )
        checks.check(f"client request {method} {target}", not errors, errors or reading)


def main():
    oracle = sys.argv[1]
    openapi = OpenAPI.from_file_path(str(SPEC))
    checks = Checks()
    process = subprocess.Popen([oracle, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        base = process.stdout.readline().strip()
        server_side(openapi, base, checks)
    finally:
        process.stdin.close()
        process.wait(timeout=10)
    client_side(openapi, oracle, checks)
    print(f"{checks.passed} passed, {len(checks.failed)} failed")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
