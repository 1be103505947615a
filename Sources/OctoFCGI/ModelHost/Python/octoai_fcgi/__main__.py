"""``python -m octoai_fcgi --service-module MODULE [--service-class NAME] <mode>``: see README.md.

Modes: ``describe --output FILE``, ``serve``, ``setup-service``, ``store-assets``.
A problem the user must fix is one ``octoai: ...`` line on stderr and exit
status 1 (2 for usage errors), never a traceback (one follows at DEBUG).
"""
import argparse
import logging
import os
import sys

from . import HostError


def _forget_runtime_dir():
    """Takes our runtime directory (the parent of this package) out of the PYTHONPATH the service passes on."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    entries = [e for e in os.environ.get("PYTHONPATH", "").split(os.pathsep) if e]
    kept = [e for e in entries if os.path.abspath(e) != here]
    if kept:
        os.environ["PYTHONPATH"] = os.pathsep.join(kept)
    else:
        os.environ.pop("PYTHONPATH", None)


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m octoai_fcgi", description="octoai-fcgi's Python model-owner host")
    parser.add_argument("--service-module", default="service")
    parser.add_argument("--service-class", default=None)
    parser.add_argument("--log-level", default=None, type=str.upper, choices=["ERROR", "WARNING", "INFO", "DEBUG"])
    modes = parser.add_subparsers(dest="mode", required=True)
    describe = modes.add_parser("describe", help="write the service's description (JSON) to FILE")
    describe.add_argument("--output", required=True)
    describe.add_argument("--inputs", default=None, help="also write what the description was made from (JSON)")
    modes.add_parser("serve", help="the model owner (OCTOAI_CHILD, fds 5 and 6)")
    modes.add_parser("setup-service", help="run setup() once")
    modes.add_parser("store-assets", help="run store_assets() with the volume variables set")
    return parser.parse_args(argv)


def _log_level(args) -> str:
    if args.log_level:
        return args.log_level
    if args.mode == "serve":
        import json

        try:
            return str(json.loads(os.environ.get("OCTOAI_CHILD", "{}")).get("logLevel", "INFO")).upper()
        except ValueError:
            pass
    return os.environ.get("OCTOAI_LOG_LEVEL", "INFO").upper()


def main(argv=None) -> int:
    _forget_runtime_dir()
    args = _arguments(argv)
    level = _log_level(args)
    logging.basicConfig(level=getattr(logging, level, logging.INFO), stream=sys.stderr,
                        format="%(name)s: %(levelname)s: %(message)s")
    # The seed's Server, built once to refuse what it refuses, logs each route it adds.
    logging.getLogger("octoai.server").setLevel(max(logging.WARNING, logging.getLogger().level))
    # Logs (and whatever the service prints) live on stderr; stdout stays for a command's own output.
    sys.stdout.flush()
    os.dup2(2, 1)
    from . import discovery

    def load():
        return discovery.load(args.service_module, args.service_class)

    try:
        discovery.require_sdk()  # before importing what needs pydantic and fastapi
        if args.mode == "serve":
            from . import owner

            status = owner.serve(load)
            logging.shutdown()
            sys.stdout.flush()
            os._exit(status)
        if args.mode == "describe":
            from . import schema

            schema.write_description(load(), args.output)
            if args.inputs:
                schema.write_inputs(args.inputs)
        elif args.mode == "setup-service":
            _run_hook(load(), "setup")
        elif args.mode == "store-assets":
            from octoai.service import VOLUME_ENVIRONMENT

            info = load()
            if info.stores_assets:
                # As the seed sets them (it does so before importing the module: the supervisor,
                # which knows from describe, sets them in our environment for that).
                os.environ.update(VOLUME_ENVIRONMENT)
            _run_hook(info, "store_assets")
    except HostError as e:
        message = " ".join(str(e).split())
        if args.mode == "serve":
            from .child import report

            report(f"FAILED {message}")
        print(f"octoai: {message}", file=sys.stderr)
        logging.getLogger("octoai.model-owner").debug("where it happened", exc_info=True)
        return 1
    return 0


def _run_hook(info, name: str):
    try:
        getattr(info.service, name)()
    except BaseException as e:
        raise HostError(f"{name}() failed: {type(e).__name__}: {e}") from e


if __name__ == "__main__":
    sys.exit(main())
