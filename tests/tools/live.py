"""Other teams' tools at their defaults against what gatespec publishes and
serves: Prism (mock, and proxy in front of the sandbox) and openapi-core.

For every brand's document in generated/openapi/, with the sandbox running
(`gatespec sandbox`, a project per brand) and a callback receiver:

- Prism's mock answers every request example, and every Payment Page
  example sent as the query carries it, with a 2xx.
- Every request example, signed with the project's secret (a payment id of
  its own), goes to the sandbox directly and through Prism's proxy
  (`--errors`, so a violation is an error): openapi-core (default settings)
  validates the request and the sandbox's answer; the proxy reports no
  violation.
- Every callback the sandbox sends for them validates as its webhook under
  openapi-core.
- The Payment Page's query (an object as its JSON text, signed over the
  text sent) is taken by the sandbox, by openapi-core and by Prism alike.
- Schemathesis, every check at its default (all on), signing each request
  through tests/tools/schemathesis_hooks.py, finds no failure; the one
  check turned off, for follow-up operations only, is in
  tests/tools/schemathesis.toml with the documents' reason.

Run by .ci/run: python tests/tools/live.py <work dir> <gatespec> <prism>
Exits 1 on any failure, after printing every one.
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.testing import MockRequest, MockResponse

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "generated" / "openapi").glob("*.json"))

failures = []


def fail(what, why):
    failures.append(f"{what}: {why}")
    print(f"FAIL {what}: {why}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, proc, what, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not listen on {port} within {seconds} s")


class Receiver(ThreadingHTTPServer):
    """Keeps every callback body; answers 200."""

    def __init__(self):
        self.bodies = []
        self.lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(inner):  # noqa: N802 - the stdlib's name
                length = int(inner.headers.get("content-length", 0))
                body = inner.rfile.read(length)
                with self.lock:
                    self.bodies.append(body)
                inner.send_response(200)
                inner.end_headers()

            def log_message(inner, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


def http(method, url, body=None):
    """(status, headers, body bytes); no redirect is followed."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("content-type", "application/json")
    try:
        with opener.open(request, timeout=30) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()


class Signer:
    """Signs with `gatespec sign`, the secret in the environment."""

    def __init__(self, gatespec):
        self.gatespec = gatespec

    def run(self, value, secret, *flags):
        done = subprocess.run(
            [self.gatespec, "sign", *flags],
            input=json.dumps(value, ensure_ascii=False, separators=(",", ":")),
            capture_output=True,
            text=True,
            env={**os.environ, "GATESPEC_SECRET": secret},
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"gatespec sign: {done.stderr}")
        return done.stdout.strip()

    def request(self, example, project, payment_id, secret):
        value = json.loads(json.dumps(example))
        general = value.setdefault("general", {})
        general["project_id"] = project
        if "payment_id" in general:
            general["payment_id"] = payment_id
        general.pop("signature", None)
        return self.run(value, secret).encode()

    def page_query(self, example, project, payment_id, secret):
        """The flat parameters as the query carries them (every value as
        text, an object as its JSON text) with the signature over them."""
        flat = {}
        for k, v in example.items():
            if k == "signature":
                continue
            if isinstance(v, str):
                flat[k] = v
            else:
                flat[k] = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
        flat["project_id"] = str(project)
        flat["payment_id"] = payment_id
        flat["signature"] = self.run(flat, secret, "--signature-only")
        return flat


class Webhook:
    """A callback as openapi-core's webhook request protocol reads it."""

    def __init__(self, name, body):
        self.name = name
        self.method = "post"
        self.parameters = RequestParameters()
        self.content_type = "application/json"
        self.body = body


def page_through_generated_client(doc, brand, pages, clients, project, secret, sandbox, mock_port, signer):
    """The page query openapi-generator's Python client builds for each page
    example (written by clients.py beside this run's directory): an object
    parameter as its JSON text, which the sandbox (signed over the text
    sent) and Prism's mock take. How many were checked.

    openapi-python-client 0.29 leaves a parameter with `content` out of the
    call altogether, so its pages cannot carry the object; not checked."""
    out = clients / f"og-python-{brand}"
    if not out.is_dir():
        return 0
    sys.path.insert(0, str(out))
    pkg = __import__(f"gate_{brand}")
    checked = 0
    op = doc["paths"]["/payment"]["get"]
    api_class = getattr(pkg, "".join(w.capitalize() for w in op["tags"][0].split("-")) + "Api")
    api = api_class(pkg.ApiClient(pkg.Configuration()))
    models = {}
    for p in op["parameters"]:
        ref = p.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref")
        if ref:
            models[p["name"]] = getattr(pkg, ref.rsplit("/", 1)[-1])
    names = [p["name"] for p in op["parameters"]]
    for name, value in pages.items():
        kwargs = {k: None for k in names}
        for k, v in value.items():
            kwargs[k] = models[k].from_dict(v) if k in models else v
        kwargs["signature"] = "placeholder"
        # The request as the client would send it (its page host is the
        # one the brand gives; nothing is sent).
        _, url, _, _, _ = api._payment_page_serialize(
            **kwargs, _request_auth=None, _content_type=None, _headers=None, _host_index=0)
        flat = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query, keep_blank_values=True))
        for k in models:
            if k in value and json.loads(flat.get(k, "null")) != value[k]:
                fail(f"{brand} page {name}", f"the generated client sends {k}={flat.get(k)!r}")
        # The text the client sends, signed as it is, with a payment of its
        # own.
        flat.pop("signature", None)
        flat["project_id"] = str(project)
        flat["payment_id"] = f"tools-client-{brand}-{name}"
        flat["signature"] = signer.run(flat, secret, "--signature-only")
        text = urllib.parse.urlencode(flat)
        status, _, body = http("GET", f"http://127.0.0.1:{sandbox}/payment?{text}")
        if status not in (200, 303):
            fail(f"{brand} page {name}", f"the sandbox answered {status} to the generated client's query: {body[:200]!r}")
        status, _, _ = http("GET", f"http://127.0.0.1:{mock_port}/payment?{text}")
        if not 200 <= status < 300:
            fail(f"{brand} page {name}", f"prism mock answered {status} to the generated client's query")
        checked += 1
    return checked


def gate_operations(doc):
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                yield path, method, op


def examples_of(media):
    return [(n, e["value"]) for n, e in (media.get("examples") or {}).items()]


def check_brand(doc_path, doc, api, project, secret, sandbox, prism, signer, work):
    brand = doc_path.stem
    gate_host = "https://gate.invalid"
    page_host = "https://paymentpage.invalid"
    mock_port, proxy_port = free_port(), free_port()
    mock = subprocess.Popen(
        [prism, "mock", doc_path, "-p", str(mock_port), "-h", "127.0.0.1"],
        stdout=open(work / f"prism-mock-{brand}.log", "w"),
        stderr=subprocess.STDOUT,
    )
    proxy = subprocess.Popen(
        [prism, "proxy", doc_path, f"http://127.0.0.1:{sandbox}", "-p", str(proxy_port),
         "-h", "127.0.0.1", "--errors"],
        stdout=open(work / f"prism-proxy-{brand}.log", "w"),
        stderr=subprocess.STDOUT,
    )
    sent = {}  # payment id -> webhook name
    counts = {"mock": 0, "core": 0, "proxy": 0, "page": 0, "client": 0}
    try:
        wait_for(mock_port, mock, "prism mock")
        wait_for(proxy_port, proxy, "prism proxy")
        n = 0
        for path, method, op in gate_operations(doc):
            oid = op["operationId"]
            if method == "get":
                # The page's examples, gathered from its parameters' examples
                # of the same name.
                pages = {}
                for parameter in op.get("parameters", []):
                    for name, ex in (parameter.get("examples") or {}).items():
                        pages.setdefault(name, {})[parameter["name"]] = ex["value"]
                for name, value in pages.items():
                    n += 1
                    query = signer.page_query(value, project, f"tools-{brand}-{n}", secret)
                    text = urllib.parse.urlencode(query)
                    status, _, _ = http("GET", f"http://127.0.0.1:{sandbox}{path}?{text}")
                    if status not in (200, 303):
                        fail(f"{brand} {oid} {name}", f"the sandbox answered {status} to the query")
                    result = api.unmarshal_request(MockRequest(page_host, "GET", path, args=query))
                    if result.errors:
                        fail(f"{brand} {oid} {name}", f"openapi-core: {result.errors}")
                    status, _, body = http("GET", f"http://127.0.0.1:{mock_port}{path}?{text}")
                    if not 200 <= status < 300:
                        fail(f"{brand} {oid} {name}", f"prism mock answered {status}: {body[:300]!r}")
                    counts["page"] += 1
                counts["client"] = page_through_generated_client(
                    doc, brand, pages, work.parent, project, secret, sandbox, mock_port, signer)
                continue
            media = op["requestBody"]["content"]["application/json"]
            hook = f"{oid}.callback"
            for name, value in examples_of(media):
                where = f"{brand} {oid} {name}"
                status, _, body = http("POST", f"http://127.0.0.1:{mock_port}{path}",
                                       json.dumps(value).encode())
                if not 200 <= status < 300:
                    fail(where, f"prism mock answered {status}: {body[:300]!r}")
                counts["mock"] += 1
                for via, port in (("sandbox", sandbox), ("proxy", proxy_port)):
                    n += 1
                    payment_id = f"tools-{brand}-{n}"
                    signed = signer.request(value, project, payment_id, secret)
                    status, headers, answer = http("POST", f"http://127.0.0.1:{port}{path}", signed)
                    if via == "sandbox" and 200 <= status < 300 and hook in doc.get("webhooks", {}):
                        sent[payment_id] = hook
                    if via == "proxy":
                        violations = {k: v for k, v in headers.items() if k.lower() == "sl-violations"}
                        if violations or status in (422,) or (status >= 500 and b"prism" in answer.lower()):
                            fail(where, f"prism proxy: {status} {violations} {answer[:300]!r}")
                        counts["proxy"] += 1
                        continue
                    request = MockRequest(gate_host, "POST", path, data=signed)
                    response = MockResponse(answer, status_code=status,
                                            content_type=headers.get("content-type", "application/json"))
                    errors = list(api.iter_request_errors(request)) + list(
                        api.iter_response_errors(request, response))
                    if errors:
                        fail(where, f"openapi-core on the sandbox's {status}: {errors}")
                    counts["core"] += 1
    finally:
        for p in (mock, proxy):
            p.terminate()
            p.wait(timeout=10)
    return sent, counts


def fuzz(doc_path, project, secret, sandbox, gatespec, work):
    """Schemathesis on one brand's document against the sandbox."""
    tools = Path(__file__).resolve().parent
    log = work / f"schemathesis-{doc_path.stem}.log"
    done = subprocess.run(
        [Path(sys.executable).parent / "schemathesis", "run", doc_path,
         "--url", f"http://127.0.0.1:{sandbox}", "--max-examples", "20", "--workers", "1",
         "--seed", "1"],
        cwd=tools,  # where schemathesis.toml is
        env={**os.environ, "GATESPEC_PROJECT": str(project), "GATESPEC_SECRET": secret,
             "GATESPEC_DOC": str(doc_path),
             "GATESPEC_BIN": gatespec, "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
             "PYTHONPATH": str(tools), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    log.write_text(done.stdout + done.stderr)
    summary = [line.strip() for line in done.stdout.splitlines() if "generated," in line]
    if done.returncode != 0:
        fail(f"{doc_path.stem} schemathesis", f"exit {done.returncode}: {summary} (see {log})")
        print(done.stdout[-3000:])
    else:
        print(f"ok   {doc_path.stem}: schemathesis {' '.join(summary)}")


def main():
    work = Path(sys.argv[1]).resolve()
    gatespec = os.path.abspath(sys.argv[2])
    prism = os.path.abspath(sys.argv[3])
    work.mkdir(parents=True, exist_ok=True)
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    callback_url = f"http://127.0.0.1:{receiver.server_address[1]}/callbacks"
    projects = {}
    lines = []
    for i, doc_path in enumerate(DOCS):
        brand = doc_path.stem
        secret = f"tools-secret-{brand}"
        (work / f"{brand}.secret").write_text(secret)
        projects[brand] = (7000 + i, secret)
        lines.append(
            f"  - {{id: {7000 + i}, brand: {brand}, secret_file: {brand}.secret, callback_url: \"{callback_url}\"}}"
        )
    sandbox_port = free_port()
    db = work / "sandbox.db"
    for leftover in work.glob("sandbox.db*"):
        leftover.unlink()
    (work / "sandbox.yaml").write_text(
        f"listen: 127.0.0.1:{sandbox_port}\ndatabase: {db}\nprojects:\n" + "\n".join(lines)
        + "\ncallbacks: {retry_ms: [50, 200], timeout_ms: 2000}\n"
    )
    sandbox = subprocess.Popen(
        [gatespec, "sandbox", "--config", work / "sandbox.yaml", "--specs", ROOT / "specs"],
        stdout=open(work / "sandbox.log", "w"),
        stderr=subprocess.STDOUT,
    )
    signer = Signer(gatespec)
    try:
        wait_for(sandbox_port, sandbox, "the sandbox")
        for doc_path in DOCS:
            doc = json.loads(doc_path.read_text())
            project, secret = projects[doc_path.stem]
            api = OpenAPI.from_dict(doc)
            sent, counts = check_brand(doc_path, doc, api, project, secret, sandbox_port,
                                       prism, signer, work)
            # Every payment the sandbox took calls back; each callback
            # validates as its webhook.
            deadline = time.time() + 20
            seen = {}
            while time.time() < deadline:
                with receiver.lock:
                    bodies = list(receiver.bodies)
                seen = {}
                for body in bodies:
                    pid = json.loads(body).get("payment", {}).get("id")
                    if pid in sent:
                        seen.setdefault(pid, []).append(body)
                if len(seen) == len(sent):
                    break
                time.sleep(0.2)
            for pid in sorted(set(sent) - set(seen)):
                fail(f"{doc_path.stem} {sent[pid]} {pid}", "no callback arrived in 20 s")
            hooks = 0
            for pid, bodies in seen.items():
                for body in bodies:
                    errors = list(api.iter_request_errors(Webhook(sent[pid], body)))
                    if errors:
                        fail(f"{doc_path.stem} {sent[pid]} {pid}", f"openapi-core: {errors}")
                    hooks += 1
            fuzz(doc_path, project, secret, sandbox_port, gatespec, work)
            print(
                f"ok   {doc_path.stem}: prism mock {counts['mock']} requests and {counts['page']} pages; "
                f"openapi-core {counts['core']} requests and answers, {hooks} callbacks; "
                f"prism proxy {counts['proxy']} requests; pages {counts['page']} taken by the sandbox, openapi-core and prism, "
                f"{counts['client']} as openapi-generator's client sends them"
            )
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
        receiver.shutdown()
    if failures:
        print(f"{len(failures)} failure(s)")
        sys.exit(1)
    print("prism and openapi-core agree with the sandbox on every example")


main()
