"""/api/v1/openapi.json describes the API, all of it and only it: every
/api/v1 route in apps/*/routes.conf (each alternative of its pattern,
each method it allows) is documented, and every documented path and
method is a route."""

import glob
import itertools
import os
import re

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
METHODS = ("get", "post", "put", "patch", "delete")


def routes():
    """[(pattern, {methods})] of the /api/v1 routes, exact paths as
    anchored patterns."""
    found, methods = [], {}
    for conf in sorted(glob.glob(os.path.join(ROOT, "apps", "*",
                                              "routes.conf"))):
        for line in open(conf, encoding="utf-8"):
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "route":
                found.append(parts[1])
            elif len(parts) >= 3 and parts[0] == "restrict":
                methods[parts[1]] = {m for m in parts[2:] if m != "head"}
    out = []
    for path in found:
        if "/api/v1/" not in path:
            continue
        pattern = path if path.startswith("^") else \
            "^" + re.escape(path) + "$"
        out.append((path, pattern, methods.get(path, {"get"})))
    return out


def expand(pattern):
    """The alternatives of a route pattern: (a|b) and (a|b)? groups."""
    m = re.search(r"\(([^()]*)\)(\?)?", pattern)
    if not m:
        return [pattern]
    alts = m.group(1).split("|") + ([""] if m.group(2) else [])
    out = []
    for alt in alts:
        out += expand(pattern[:m.start()] + alt + pattern[m.end():])
    return out


def samples(param):
    schema = param.get("schema", {})
    if "enum" in schema:
        return [str(v) for v in schema["enum"]]
    if schema.get("type") == "integer":
        return ["7"]
    pattern = schema.get("pattern", "")
    if pattern.startswith("^[or]"):
        return ["o7"]
    if "a-z_]" in pattern and "0-9" not in pattern:
        return ["post"]
    return ["abc"]


@pytest.fixture
def doc(api):
    r = api.get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/json")
    d = r.json()
    assert d["openapi"].startswith("3.1")
    return d


def concrete(doc):
    """[(documented path, concrete path, method)]."""
    comps = doc["components"]["parameters"]
    out = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in METHODS:
                continue
            params = {}
            for p in op.get("parameters", []):
                if "$ref" in p:
                    p = comps[p["$ref"].rsplit("/", 1)[1]]
                if p["in"] == "path":
                    params[p["name"]] = samples(p)
            names = re.findall(r"\{([a-z_]+)\}", path)
            assert set(names) == set(params), (path, method, names)
            for values in itertools.product(*(params[n] for n in names)):
                c = path
                for n, v in zip(names, values):
                    c = c.replace("{%s}" % n, v)
                out.append((path, c, method))
    return out


def test_every_route_is_documented(doc):
    docs = concrete(doc)
    missing = []
    for path, pattern, methods in routes():
        for variant in expand(pattern):
            if not any(re.fullmatch(variant.strip("^$"), c)
                       for _, c, _ in docs):
                missing.append(variant)
        for method in methods:
            if not any(re.fullmatch(pattern.strip("^$"), c) and m == method
                       for _, c, m in docs):
                missing.append("%s %s" % (method.upper(), path))
    assert missing == []


def test_every_documented_operation_is_a_route(doc):
    table = routes()
    unknown = []
    for path, c, method in concrete(doc):
        ok = any(re.fullmatch(pattern.strip("^$"), c) and method in methods
                 for _, pattern, methods in table)
        if not ok:
            unknown.append("%s %s" % (method.upper(), path))
    assert unknown == []


def test_operations_describe_errors_and_security(doc):
    problem = doc["components"]["schemas"]["Problem"]
    assert {"type", "title", "status"} <= set(problem["required"])
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["cookieAuth"]["in"] == "cookie"
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op.get("summary"), (method, path)
            codes = set(op["responses"])
            assert any(c.startswith("2") for c in codes), (method, path)
            if method != "get" and op.get("security") != [
                    {}, {"bearerAuth": []}, {"cookieAuth": []}]:
                assert "401" in codes, (method, path)
