#!/usr/bin/env python3
"""Checks deploy/kubernetes against the Kubernetes schema and against the rest of the project.

  check_kubernetes.py OCTOAI_BINARY          validate, then check the manifests agree with
                                             deploy/nginx.conf and `octoai fcgi`'s flags
  check_kubernetes.py --write-configmap      regenerate configmap-nginx.yaml from deploy/nginx.conf

Run by KubernetesManifestTests with the venv's python (scripts/install-deploy-deps.sh).
Prints one line per check and 'N passed, N failed' last; exits 1 on any failure.
"""
import os
import re
import subprocess
import sys

import yaml

KUBERNETES_VERSION = "1.31.0"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KUBE = os.path.join(ROOT, "deploy", "kubernetes")
NGINX_CONF = os.path.join(ROOT, "deploy", "nginx.conf")
CONFIGMAP = os.path.join(KUBE, "configmap-nginx.yaml")
results = []


def check(name, ok, detail=""):
    results.append(bool(ok))
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + str(detail)))


def write_configmap():
    text = open(NGINX_CONF).read()
    body = "".join(("    " + line if line.strip() else "\n") if line != "\n" else "\n" for line in text.splitlines(True))
    with open(CONFIGMAP, "w") as f:
        f.write("# deploy/nginx.conf as it is, for the nginx container. Generated: python3 Tests/deploy/check_kubernetes.py\n")
        f.write("# --write-configmap (KubernetesManifestTests fails when the two differ).\n")
        f.write("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: octoai-nginx\ndata:\n  nginx.conf: |\n" + body)


def manifests():
    names = sorted(n for n in os.listdir(KUBE) if n.endswith(".yaml") and n != "kustomization.yaml")
    return {n: list(yaml.safe_load_all(open(os.path.join(KUBE, n)))) for n in names}


def flag(args, name):
    return args[args.index(name) + 1] if name in args else None


def check_schema(files):
    paths = [os.path.join(KUBE, n) for n in files]
    run = subprocess.run([sys.executable, "-m", "kubernetes_validate", "--strict", "-k", KUBERNETES_VERSION] + paths,
                         capture_output=True, text=True)
    check(f"kubernetes-validate --strict -k {KUBERNETES_VERSION} on {len(paths)} manifests", run.returncode == 0, run.stdout + run.stderr)
    kustomization = yaml.safe_load(open(os.path.join(KUBE, "kustomization.yaml")))
    check("kustomization.yaml lists every manifest", sorted(kustomization["resources"]) == sorted(files), kustomization["resources"])


def check_agreement(docs, octoai):
    """The pod: octoai's flags, the socket, nginx's config, port and probes."""
    by_kind = {d["kind"]: d for ds in docs.values() for d in ds}
    nginx = open(NGINX_CONF).read()
    configmap = by_kind["ConfigMap"]
    check("the ConfigMap holds deploy/nginx.conf unchanged", configmap["data"]["nginx.conf"] == nginx, "run --write-configmap")
    deployment = by_kind["Deployment"]
    pod = deployment["spec"]["template"]
    spec = pod["spec"]
    containers = {c["name"]: c for c in spec["containers"]}
    octo, web = containers["octoai"], containers["nginx"]
    args = octo["args"]
    check("octoai runs `octoai fcgi`", octo["command"] == ["octoai"] and args[0] == "fcgi", args)
    helptext = subprocess.run([octoai, "fcgi", "--help"], capture_output=True, text=True).stdout
    unknown = [a for a in args if a.startswith("--") and a not in helptext]
    check("every octoai flag exists in `octoai fcgi --help`", helptext and not unknown, unknown)
    socket = flag(args, "--socket")
    upstream = re.search(r"server unix:(\S+?)[ ;]", nginx).group(1)
    check("--socket is nginx.conf's upstream", socket == upstream, (socket, upstream))
    mounts = lambda c: {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
    shared = os.path.dirname(socket)
    check("both containers mount one volume at the socket's directory",
          mounts(octo).get(shared) is not None and mounts(octo).get(shared) == mounts(web).get(shared), (mounts(octo), mounts(web)))
    volumes = {v["name"]: v for v in spec["volumes"]}
    check("the socket volume is an emptyDir", "emptyDir" in volumes[mounts(octo)[shared]])
    conf_mount = [m for m in web["volumeMounts"] if volumes[m["name"]].get("configMap", {}).get("name") == configmap["metadata"]["name"]]
    check("nginx runs the ConfigMap's nginx.conf",
          conf_mount and web["command"][:3] == ["nginx", "-c", conf_mount[0]["mountPath"] + "/nginx.conf"], web["command"])
    listen = int(re.search(r"^\s*listen (\d+);", nginx, re.M).group(1))
    ports = {p["name"]: p["containerPort"] for p in web["ports"]}
    check("nginx's containerPort is nginx.conf's listen", ports.get("http") == listen, (ports, listen))
    ready, live = web["readinessProbe"]["httpGet"], web["livenessProbe"]["httpGet"]
    check("readiness probes /healthcheck on that port", ready["path"] == "/healthcheck" and ready["port"] in ("http", listen), ready)
    check("liveness probes / (answers in every state)", live["path"] == "/" and live["port"] in ("http", listen), live)
    check("no startup-blind liveness on /healthcheck", all(c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/healthcheck" for c in spec["containers"]))
    check_lifecycle(spec, octo, web, listen, pod)
    check_objects(by_kind, deployment, pod, listen)


def check_lifecycle(spec, octo, web, listen, pod):
    """Drain timing, the replica name, the model volume, metrics and resources."""
    args = octo["args"]
    mounts = lambda c: {m["mountPath"]: m["name"] for m in c.get("volumeMounts", [])}
    drain = float(flag(args, "--drain-timeout") or 30)
    sleep = max(float(c["lifecycle"]["preStop"]["exec"]["command"][1]) for c in [octo] if c.get("lifecycle"))
    grace = spec["terminationGracePeriodSeconds"]
    check("terminationGracePeriodSeconds > octoai preStop + --drain-timeout", grace > sleep + drain, (grace, sleep, drain))
    web_stop = " ".join(web["lifecycle"]["preStop"]["exec"]["command"])
    web_sleep = float(re.search(r"sleep (\d+)", web_stop).group(1))
    check("nginx stops taking requests before octoai stops accepting", web_sleep < sleep and "nginx -s quit" in web_stop, (web_sleep, sleep))
    web_env = {e["name"]: e.get("value") for e in web.get("env", [])}
    check("nginx's glibc gives upload buffers back (MALLOC_MMAP_THRESHOLD_, as octoai run sets it)",
          web_env.get("MALLOC_MMAP_THRESHOLD_") == "262144", web_env)
    check("nginx's glibc maps upload buffers in huge pages (GLIBC_TUNABLES, as octoai run sets it)",
          "glibc.malloc.hugetlb=1" in (web_env.get("GLIBC_TUNABLES") or "").split(":"), web_env)
    env = {e["name"]: e for e in octo["env"]}
    check("OCTOAI_REPLICA_NAME is the pod's name", env["OCTOAI_REPLICA_NAME"].get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "metadata.name")
    volume_path = env["OCTOAI_VOLUME_PATH"]["value"]
    init = spec["initContainers"][0]
    init_env = {e["name"]: e.get("value") for e in init["env"]}
    check("the init container stores assets into the model volume octoai reads",
          init["command"][-1] == "store-assets" and init_env.get("OCTOAI_VOLUME_PATH") == volume_path
          and mounts(init).get(volume_path) == mounts(octo).get(volume_path) is not None, init)
    notes = pod["metadata"]["annotations"]
    check("Prometheus scrapes /metrics on nginx's port", notes.get("prometheus.io/scrape") == "true"
          and notes.get("prometheus.io/path") == "/metrics" and int(notes.get("prometheus.io/port")) == listen, notes)
    requests = octo["resources"]["requests"]
    check("octoai requests cpu and memory (HPA needs the cpu request)", "cpu" in requests and "memory" in requests, requests)


def check_objects(by_kind, deployment, pod, listen):
    """The Service, PodDisruptionBudget and HorizontalPodAutoscaler find the pods."""
    labels = pod["metadata"]["labels"]
    matches = lambda selector: all(labels.get(k) == v for k, v in selector.items())
    service, pdb, hpa = by_kind["Service"], by_kind["PodDisruptionBudget"], by_kind["HorizontalPodAutoscaler"]
    check("the Service selects the pods and targets nginx's port", matches(service["spec"]["selector"])
          and all(p["targetPort"] in ("http", listen) for p in service["spec"]["ports"]), service["spec"])
    check("the PDB selects the pods", matches(pdb["spec"]["selector"]["matchLabels"]))
    check("the HPA scales the Deployment", hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
          and hpa["spec"]["scaleTargetRef"]["kind"] == "Deployment")
    check("rolling updates keep every pod until its successor is Ready", deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0)


def main():
    if sys.argv[1:] == ["--write-configmap"]:
        write_configmap()
        return 0
    docs = manifests()
    check_schema(list(docs))
    check_agreement(docs, sys.argv[1])
    failed = results.count(False)
    print(f"kubernetes: {results.count(True)} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
