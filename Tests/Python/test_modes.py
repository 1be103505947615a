"""describe, setup-service and store-assets, and the one-line errors before anything serves."""
import json
import os
import sys

import pytest

from conftest import ECHO_DIR, SERVICES, run_host

BAD = os.path.join(SERVICES, "bad_services")


def describe(tmp_path, cwd=ECHO_DIR, args=(), env=None):
    out = tmp_path / "description.json"
    done = run_host([*args, "describe", "--output", str(out)], cwd=cwd, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    return json.loads(out.read_text()), done


def test_describe_a_streaming_service(tmp_path):
    d, _ = describe(tmp_path, cwd=os.path.join(SERVICES, "stream_service"))
    assert [(e["path"], e["stream"]) for e in d["endpoints"]] == [("/infer", False), ("/stream", True)]
    ok = d["openapi"]["paths"]["/stream"]["post"]["responses"]["200"]
    data = ok["content"]["text/event-stream"]["schema"]["properties"]["data"]["anyOf"]
    assert data[0]["contentSchema"]["anyOf"][0] == {"$ref": "#/components/schemas/StreamItem"}
    assert data[1] == {"const": "[DONE]"}
    assert d["openapi"]["components"]["schemas"]["StreamItem"]["properties"] == {"token": {"title": "Token", "type": "string"}}
    assert "StreamResponse" not in d["openapi"]["components"]["schemas"]


def test_describe_echo_service(tmp_path):
    d, _ = describe(tmp_path)
    assert d["endpoints"] == [
        {"path": "/infer", "component_prefix": "", "form": False, "method": "infer", "stream": False},
        {"path": "/tokenize", "component_prefix": "Tokenize", "form": False, "method": "tokenize", "stream": False},
        {"path": "/upload", "component_prefix": "Upload", "form": True, "method": "infer_form_data", "stream": False},
    ]
    assert {k: v for k, v in d.items() if k not in ("endpoints", "openapi")} == {
        "service_class": "EchoService", "stores_assets": False, "batching": False, "max_concurrency": 1, "sdk_version": "0.10.1"}
    doc = d["openapi"]
    assert doc["openapi"] == "3.1.0" and doc["info"]["title"] == "EchoService"
    assert list(doc["paths"]) == ["/", "/healthcheck", "/infer", "/tokenize", "/upload"]
    schemas = doc["components"]["schemas"]
    assert sorted(schemas) == ["Body_upload_upload_post", "ErrorDetail", "HTTPValidationError", "HealthResponse", "Input",
                               "Response", "ResponseAnalytics", "RootResponse", "ServiceUnavailable", "TokenizeInput",
                               "TokenizeResponse", "UploadResponse", "ValidationError"]
    infer = doc["paths"]["/infer"]["post"]
    assert (infer["summary"], infer["operationId"]) == ("Infer", "infer_infer_post")
    assert infer["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Input"}
    assert sorted(infer["responses"]) == ["200", "400", "413", "422", "431", "500", "503", "504"]
    assert schemas["Input"] == {
        "properties": {"prompt": {"title": "Prompt", "type": "string"},
                       "max_tokens": {"default": 16, "title": "Max Tokens", "type": "integer"}},
        "required": ["prompt"], "title": "Input", "type": "object", "examples": [{"prompt": "hello world", "max_tokens": 16}]}
    assert schemas["Response"]["properties"] == {"output": {"title": "Output", "type": "string"},
                                                 "analytics": {"$ref": "#/components/schemas/ResponseAnalytics"}}
    assert schemas["TokenizeResponse"]["properties"]["output"] == {"items": {}, "title": "TokenizeOutput", "type": "array"}
    upload = doc["paths"]["/upload"]["post"]
    assert upload["operationId"] == "upload_upload_post"
    assert upload["requestBody"]["content"] == {"multipart/form-data": {"schema": {"$ref": "#/components/schemas/Body_upload_upload_post"}}}
    assert schemas["Body_upload_upload_post"]["properties"]["file"] == {"format": "binary", "title": "File", "type": "string"}


@pytest.mark.parametrize("directory", [ECHO_DIR, os.path.join(SERVICES, "types_service"), os.path.join(SERVICES, "batch_service")])
def test_openapi_documents_are_valid(tmp_path, directory):
    from openapi_spec_validator import validate

    d, _ = describe(tmp_path, cwd=directory)
    validate(d["openapi"])


def test_describe_lists_what_it_was_made_from(tmp_path):
    """`--inputs`: what the describe cache checks (README): the module's file and folder, the imported
    packages' files and folders, sys.path entries; each with its mtime and size (-1 when missing)."""
    inputs = tmp_path / "inputs.json"
    done = run_host(["describe", "--output", str(tmp_path / "d.json"), "--inputs", str(inputs)], cwd=ECHO_DIR)
    assert done.returncode == 0, done.stderr
    text = inputs.read_text()
    assert "\n" not in text  # one line: the cache entry is this line, a newline, the description
    listed = {path: (mtime, size) for path, mtime, size in json.loads(text)}
    module = os.path.join(ECHO_DIR, "service.py")
    st = os.stat(module)
    assert listed[module] == (st.st_mtime_ns, st.st_size)
    assert listed[ECHO_DIR] == (os.stat(ECHO_DIR).st_mtime_ns, os.stat(ECHO_DIR).st_size)
    import octoai.service
    assert os.path.abspath(octoai.service.__file__) in listed
    assert all(isinstance(m, int) and isinstance(s, int) for m, s in listed.values())
    assert not any("octoai_fcgi" in path for path in listed)  # the host's own folder is new each run: not listed


def test_describe_with_assets_and_a_file_path(tmp_path):
    d, _ = describe(tmp_path, cwd=str(tmp_path), args=["--service-module", os.path.join(ECHO_DIR, "service.py"),
                                                       "--service-class", "EchoServiceWithAssets"])
    assert (d["service_class"], d["stores_assets"]) == ("EchoServiceWithAssets", True)


def test_describe_readable_names_for_nested_models(tmp_path):
    d, _ = describe(tmp_path, cwd=os.path.join(SERVICES, "types_service"))
    schemas = d["openapi"]["components"]["schemas"]
    assert {"Input", "Output", "Response", "SummaryInput", "Summary", "Shape", "Point", "Color", "Level",
            "Body_documents_documents_post"} <= set(schemas)
    assert not [name for name in schemas if "__" in name]
    # Verdict is infer's alone: named for the endpoint. Summary is two endpoints' output: it keeps its name.
    assert schemas["Response"]["properties"]["output"] == {"$ref": "#/components/schemas/Output"}
    assert schemas["SummaryResponse"]["properties"]["output"] == {"$ref": "#/components/schemas/Summary"}
    assert schemas["DocumentsResponse"]["properties"]["output"] == {"$ref": "#/components/schemas/Summary"}
    assert schemas["Input"]["properties"]["count"] == {"maximum": 10, "minimum": 1, "title": "Count", "type": "integer"}
    refs = json.dumps(d["openapi"])
    for ref in set(part.split('"')[0] for part in refs.split('"$ref": "#/components/schemas/')[1:]):
        assert ref in schemas, ref


def test_describe_batching_service(tmp_path):
    d, _ = describe(tmp_path, cwd=os.path.join(SERVICES, "batch_service"))
    assert (d["batching"], d["max_concurrency"], [e["path"] for e in d["endpoints"]]) == (True, 2, ["/infer"])


def test_prints_during_import_go_to_stderr(tmp_path):
    _, done = describe(tmp_path, cwd=BAD, args=["--service-module", "prints_on_import"])
    assert "hello from import" in done.stderr


@pytest.mark.parametrize("args,message", [
    (["--service-module", "import_error"],
     "octoai: importing module 'import_error' failed: ModuleNotFoundError: No module named 'no_such_dependency'"),
    (["--service-module", "syntax_error"], "octoai: importing module 'syntax_error' failed: SyntaxError: "),
    (["--service-module", "nowhere"], "octoai: module 'nowhere' not found in "),
    (["--service-module", "no_service"],
     "octoai: module 'no_service' contains no classes extending base 'octoai.service.Service'"),
    (["--service-module", "wrong_output", "--service-class", "Nope"],
     "octoai: module 'wrong_output' has no class 'Nope' (service classes there: WrongOutput)"),
    (["--service-module", "missing_annotations"],
     "octoai: MissingAnnotations cannot be served by octoai-sdk: ValueError: infer() requires type annotations for args"),
    (["--service-module", "missing.py"], "octoai: service file missing.py not found"),
])
def test_bad_services_are_one_line_errors(tmp_path, args, message):
    done = run_host([*args, "describe", "--output", str(tmp_path / "d.json")], cwd=BAD)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "d.json").exists()


def test_interpreter_without_octoai_sdk(tmp_path):
    import subprocess

    from conftest import host_env

    done = subprocess.run([sys.executable, "-S", "-m", "octoai_fcgi", "describe", "--output", str(tmp_path / "d")],
                          cwd=ECHO_DIR, env=host_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith("octoai: ") and "has no octoai-sdk; install it with: " in done.stderr
    assert "-m pip install octoai-sdk==0.10.1" in done.stderr


def test_unwritable_output_is_a_one_line_error(tmp_path):
    done = run_host(["describe", "--output", str(tmp_path / "no" / "such" / "dir.json")], cwd=ECHO_DIR)
    assert done.returncode == 1 and done.stderr.splitlines()[-1].startswith("octoai: cannot write the description to ")


def test_usage_error_is_status_2(tmp_path):
    assert run_host(["--service-module", "service"], cwd=ECHO_DIR).returncode == 2


def test_setup_service(tmp_path):
    assert run_host(["setup-service"], cwd=ECHO_DIR).returncode == 0
    failed = run_host(["setup-service"], cwd=ECHO_DIR, env={"SETUP_FAIL": "1"})
    assert failed.returncode == 1
    assert failed.stderr.splitlines()[-1] == "octoai: setup() failed: RuntimeError: setup failed on purpose (SETUP_FAIL=1)"


def test_store_assets_sets_the_volume_variables(tmp_path):
    marker = tmp_path / "marker.txt"
    env = {"STORE_ASSETS_MARKER": str(marker), "OCTOAI_VOLUME_PATH": str(tmp_path / "vol")}
    done = run_host(["--service-class", "EchoServiceWithAssets", "store-assets"], cwd=ECHO_DIR, env=env)
    assert done.returncode == 0, done.stderr
    assert marker.read_text() == "store_assets ran; HUGGINGFACE_HUB_CACHE=%s TORCH_HOME=%s\n" % (
        tmp_path / "vol" / "huggingface_hub_cache", tmp_path / "vol" / "torch_home")
