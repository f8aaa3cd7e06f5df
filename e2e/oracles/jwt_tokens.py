"""Tokens crafted by PyJWT, an implementation that shares no code with ours, sent by hand to
generated routers whose JwtVerifier pins keys, an issuer, an audience and a token type, and
to the example token service: every bad token must be refused with a 401 and its
`WWW-Authenticate` challenge (none a 5xx), every good one accepted.

    python3 e2e/oracles/jwt_tokens.py PATH-TO-jwt-oracle-server

Prints one line per case, then `N passed, N failed`; exits 1 when a case fails.
"""

import base64
import hashlib
import hmac
import json
import os
import pathlib
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

KEYS = pathlib.Path(__file__).resolve().parent.parent / "keys"
RSA_PRIVATE = (KEYS / "rsa-private.pem").read_bytes()
RSA_PUBLIC = (KEYS / "rsa-public.pem").read_bytes()
EC_PRIVATE = (KEYS / "ec-private.pem").read_bytes()
ATTACKER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ATTACKER_PEM = ATTACKER.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
)
OTHER_EC = ec.generate_private_key(ec.SECP256R1())


def b64(data):
    if isinstance(data, (dict, list)):
        data = json.dumps(data, separators=(",", ":")).encode()
    elif isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256_by_hand(header, claims, secret):
    """An HS256 token written without PyJWT, for keys PyJWT rightly refuses to use as secrets."""
    signing_input = f"{b64(header)}.{b64(claims)}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


JWT_RS256 = {"alg": "RS256", "typ": "JWT"}


def rs256_by_hand(header, claims):
    """A token signed with the pinned RSA key over parts written by hand (JSON or not)."""
    key = serialization.load_pem_private_key(RSA_PRIVATE, password=None)
    signing_input = f"{b64(header)}.{b64(claims)}"
    signature = jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256).sign(signing_input.encode(), key)
    return f"{signing_input}.{b64(signature)}"


def request(method, url, authorization=None, body=None):
    headers = {}
    if authorization is not None:
        headers["authorization"] = authorization
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class Suite:
    def __init__(self):
        self.passed = 0
        self.failed = []

    def check(self, name, ok, seen):
        mark = "ok  " if ok else "FAIL"
        print(f"{mark} {name}: {seen}")
        if ok:
            self.passed += 1
        else:
            self.failed.append(name)

    def bearer(self, name, url, token, expected, scheme="Bearer"):
        """GET url with the token; 200 and 403 as expected, 401 only with a challenge."""
        status, headers, body = request("GET", url, f"{scheme} {token}")
        headers = {key.lower(): value for key, value in headers.items()}
        challenge = headers.get("www-authenticate", "")
        detail = ""
        if status != 200:
            try:
                detail = json.loads(body).get("detail", "")
            except ValueError:
                detail = body[:80]
        ok = status == expected
        if expected == 401:
            ok = ok and challenge.startswith("Bearer ") and 'error="invalid_token"' in challenge
        if expected == 403:
            ok = ok and 'error="insufficient_scope"' in challenge
        self.check(name, ok, f"{status} {detail}".strip())


def main():
    server = sys.argv[1]
    secret = secrets.token_hex(32)
    process = subprocess.Popen(
        [server], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "JWT_ORACLE_SECRET": secret}
    )
    try:
        urls = json.loads(process.stdout.readline())
        suite = Suite()
        run(suite, urls, secret.encode())
    finally:
        process.stdin.close()
        process.wait(timeout=10)
    print(f"{suite.passed} passed, {len(suite.failed)} failed")
    return 1 if suite.failed else 0


def run(suite, urls, secret):
    now = int(time.time())
    iss, aud = urls["issuer"], urls["audience"]
    me = urls["strict"] + "/me"
    typed_me = urls["typed"] + "/me"

    def claims(**changes):
        base = {"sub": "ann", "iss": iss, "aud": aud, "exp": now + 3600, "iat": now, "scope": "profile"}
        base.update(changes)
        return {key: value for key, value in base.items() if value is not ...}

    def rs256(payload=None, headers=None, key=RSA_PRIVATE, algorithm="RS256"):
        return jwt.encode(payload if payload is not None else claims(), key, algorithm=algorithm, headers=headers)

    good, bad = 200, 401
    # Accepted: well-formed tokens in every legitimate shape.
    suite.bearer("RS256, every claim right", me, rs256(), good)
    suite.bearer("ES256, every claim right", me, rs256(key=EC_PRIVATE, algorithm="ES256"), good)
    suite.bearer("aud a list that contains the audience", me, rs256(claims(aud=["billing", aud])), good)
    suite.bearer("exp a fractional NumericDate", me, rs256(claims(exp=now + 3600.5)), good)
    suite.bearer("nbf and iat in the past", me, rs256(claims(nbf=now - 60, iat=now - 60)), good)
    suite.bearer("exp 2 s ago, inside the 5 s leeway", me, rs256(claims(exp=now - 2)), good)
    suite.bearer("a kid this verifier does not pin", me, rs256(headers={"kid": "key-1"}), good)
    suite.bearer("scheme spelled `bearer`", me, rs256(), good, scheme="bearer")
    suite.bearer("valid but without the scope: 403", me, rs256(claims(scope="email")), 403)

    # Claims the configuration makes required, absent.
    suite.bearer("no iss (an issuer is configured)", me, rs256(claims(iss=...)), bad)
    suite.bearer("no aud (an audience is configured)", me, rs256(claims(aud=...)), bad)
    suite.bearer("no exp", me, rs256(claims(exp=...)), bad)
    # Claims present and wrong (those of the wrong JSON type written by hand: PyJWT refuses them).
    suite.bearer("iss another issuer", me, rs256(claims(iss="https://elsewhere.test")), bad)
    suite.bearer("iss a list holding the issuer", me, rs256_by_hand(JWT_RS256, claims(iss=[iss])), bad)
    suite.bearer("iss a number", me, rs256_by_hand(JWT_RS256, claims(iss=7)), bad)
    suite.bearer("aud another audience", me, rs256(claims(aud="billing")), bad)
    suite.bearer("aud an empty list", me, rs256_by_hand(JWT_RS256, claims(aud=[])), bad)
    suite.bearer("aud a number", me, rs256_by_hand(JWT_RS256, claims(aud=7)), bad)
    suite.bearer("exp 30 s ago, outside the leeway", me, rs256(claims(exp=now - 30)), bad)
    suite.bearer("exp a string", me, rs256_by_hand(JWT_RS256, claims(exp=str(now + 3600))), bad)
    suite.bearer("nbf 10 minutes ahead", me, rs256(claims(nbf=now + 600)), bad)
    suite.bearer("nbf a string", me, rs256_by_hand(JWT_RS256, claims(nbf=str(now - 60))), bad)
    suite.bearer("iat 10 minutes ahead", me, rs256(claims(iat=now + 600)), bad)
    suite.bearer("iat a string", me, rs256_by_hand(JWT_RS256, claims(iat=str(now))), bad)
    # Headers.
    suite.bearer("crit names an unknown extension", me, rs256(headers={"crit": ["x-unknown"], "x-unknown": 1}), bad)
    suite.bearer("crit an empty list", me, rs256(headers={"crit": []}), bad)
    for spelling in ["none", "None", "NONE", "nOnE"]:
        unsigned = f"{b64({'alg': spelling, 'typ': 'JWT'})}.{b64(claims())}."
        suite.bearer(f"alg {spelling!r}, no signature", me, unsigned, bad)
    suite.bearer("alg none by PyJWT", me, jwt.encode(claims(), None, algorithm="none"), bad)
    suite.bearer(
        "HS256 keyed with the RSA public key", me, hs256_by_hand({"alg": "HS256", "typ": "JWT"}, claims(), RSA_PUBLIC), bad
    )
    suite.bearer("RS384 with the pinned RSA key", me, rs256(algorithm="RS384"), bad)
    suite.bearer("PS256 with the pinned RSA key", me, rs256(algorithm="PS256"), bad)
    suite.bearer("RS256 signed by another key", me, rs256(key=ATTACKER_PEM), bad)
    suite.bearer("ES256 signed by another key", me, rs256(key=OTHER_EC, algorithm="ES256"), bad)
    signed = rs256()
    suite.bearer("signature removed", me, signed.rsplit(".", 1)[0] + ".", bad)
    head, payload, signature = signed.split(".")
    suite.bearer("claims changed under the signature", me, f"{head}.{b64(claims(sub='root'))}.{signature}", bad)
    attacker_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(ATTACKER.public_key()))
    suite.bearer("jwk header: the attacker's own key", me, rs256(key=ATTACKER_PEM, headers={"jwk": attacker_jwk}), bad)
    suite.bearer("jku header: the attacker's key set", me, rs256(key=ATTACKER_PEM, headers={"jku": "http://127.0.0.1:9/jwks"}), bad)
    suite.bearer("x5u header: the attacker's certificate", me, rs256(key=ATTACKER_PEM, headers={"x5u": "http://127.0.0.1:9/c.pem"}), bad)
    suite.bearer("kid a path, signed by another key", me, rs256(key=ATTACKER_PEM, headers={"kid": "../../../dev/null"}), bad)
    suite.bearer("kid an injection, signed by another key", me, rs256(key=ATTACKER_PEM, headers={"kid": "' OR '1'='1"}), bad)
    duplicate = '{"alg":"RS256","alg":"none"}'
    suite.bearer("header with alg given twice, validly signed", me, rs256_by_hand(duplicate, claims()), bad)
    suite.bearer("oversized: 20 KB of claims, validly signed", me, rs256(claims(padding="x" * 20_000)), bad)
    suite.bearer("not a JWT", me, "not-a-jwt", bad)
    suite.bearer("two parts", me, f"{head}.{payload}", bad)
    suite.bearer("five parts (JWE-shaped)", me, f"{head}.{payload}.{signature}.AAAA.AAAA", bad)
    suite.bearer("header not JSON, validly signed", me, rs256_by_hand("nope", claims()), bad)
    suite.bearer("claims not JSON, validly signed", me, rs256_by_hand({"alg": "RS256"}, "nope"), bad)
    suite.bearer("claims a JSON list, validly signed", me, rs256_by_hand({"alg": "RS256"}, [claims()]), bad)

    # Explicit typing: this verifier requires `typ: at+jwt`.
    for typ in ["at+jwt", "application/at+jwt", "AT+JWT"]:
        suite.bearer(f"typ {typ!r} where at+jwt is required", typed_me, rs256(headers={"typ": typ}), good)
    for typ in ["JWT", "refresh+jwt", "at+jwt2"]:
        suite.bearer(f"typ {typ!r} where at+jwt is required", typed_me, rs256(headers={"typ": typ}), bad)
    suite.bearer("no typ where at+jwt is required", typed_me, rs256_by_hand({"alg": "RS256"}, claims()), bad)

    # The example token service: access and refresh tokens never stand in for each other.
    service, resources = urls["token_service"], urls["resources"] + "/me"
    status, _, body = request("POST", service + "/auth/token", body={"api_key": "demo", "api_secret": "demo-secret"})
    suite.check("token service issues a pair", status == 201, status)
    pair = json.loads(body)
    access, refresh = pair["access_token"], pair["refresh_token"]
    suite.check(
        "access token typed at+jwt, refresh token typed otherwise",
        jwt.get_unverified_header(access)["typ"] == "at+jwt" and jwt.get_unverified_header(refresh)["typ"] != "at+jwt",
        (jwt.get_unverified_header(access)["typ"], jwt.get_unverified_header(refresh)["typ"]),
    )
    suite.bearer("its access token at a resource server", resources, access, good)
    suite.bearer("its refresh token as an access token", resources, refresh, bad)
    status, _, body = request("POST", service + "/auth/refresh", body={"refresh_token": access})
    detail = json.loads(body).get("detail", "")
    suite.check(
        "its access token as a refresh token: 401, not called reuse",
        status == 401 and "reuse" not in detail and "typ" in detail,
        f"{status} {detail}",
    )
    status, _, body = request("POST", service + "/auth/refresh", body={"refresh_token": refresh})
    suite.check("its refresh token still refreshes after that", status == 201, status)
    status, _, body = request("POST", service + "/auth/refresh", body={"refresh_token": refresh})
    detail = json.loads(body).get("detail", "")
    suite.check("the spent refresh token again: reuse detected", status == 401 and "reuse" in detail, f"{status} {detail}")
    service_claims = {"sub": "demo", "iss": "token-service", "exp": now + 300, "iat": now, "scope": "profile"}
    suite.bearer(
        "HS256 with the service's secret, typ at+jwt",
        resources,
        jwt.encode(service_claims, secret, algorithm="HS256", headers={"typ": "at+jwt"}),
        good,
    )
    suite.bearer(
        "HS256 with the service's secret, typ JWT",
        resources,
        jwt.encode(service_claims, secret, algorithm="HS256"),
        bad,
    )
    suite.bearer(
        "typ at+jwt naming an audience the resource server does not claim",
        resources,
        jwt.encode({**service_claims, "aud": "token-service/refresh"}, secret, algorithm="HS256", headers={"typ": "at+jwt"}),
        bad,
    )


if __name__ == "__main__":
    sys.exit(main())
