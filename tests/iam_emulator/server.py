"""Starts the hardened moto on 127.0.0.1 with IAM authentication on.

    python -m iam_emulator [--port 0] [--account-id 123456789012] [--admin-json PATH]
                           [--tolerance 1] [--ignore-stdin] [--verbose]

Protocol on stdout, one line each, then silence:
    ADMIN {"accessKeyId": ..., "secretAccessKey": ..., "accountId": ..., "userName": ..., "arn": ...}
    LISTENING <port>

The admin is an IAM user with an inline `Allow * on *` policy, created in the backend before the
server answers anything; every request after that is authenticated and authorized by moto
(INITIAL_NO_AUTH_ACTION_COUNT = 0). Tests make more users through the IAM API with the admin key.

Exits when stdin reaches EOF (the parent died or closed it; `--ignore-stdin` turns this off) or on
SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading

ADMIN_USER = "twofold-admin"
ADMIN_POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="iam_emulator", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--account-id", default="123456789012")
    parser.add_argument("--admin-json", help="also write the ADMIN JSON to this file")
    parser.add_argument("--tolerance", type=int, default=1, help="MFA clock skew, in 30 s windows")
    parser.add_argument("--ignore-stdin", action="store_true", help="do not exit on stdin EOF")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)

    # moto would answer every request as MOTO_ACCOUNT_ID; hardening routes each request to the
    # account that holds its key instead, and unknown keys to --account-id.
    os.environ.pop("MOTO_ACCOUNT_ID", None)
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.iam.models import iam_backends
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from . import hardening, org, trail
    from .control import Controls

    hardening.TOLERANCE = args.tolerance
    hardening.MANAGEMENT_ACCOUNT = args.account_id
    hardening.install()
    org.install()
    trail.install()

    iam = iam_backends[args.account_id]["aws"]
    user = iam.create_user(region_name="us-east-1", user_name=ADMIN_USER)
    iam.put_user_policy(ADMIN_USER, "twofold-admin-all", ADMIN_POLICY)
    key = iam.create_access_key(ADMIN_USER)
    admin = {
        "accessKeyId": key.access_key_id,
        "secretAccessKey": key.secret_access_key,
        "accountId": args.account_id,
        "userName": ADMIN_USER,
        "arn": user.arn,
    }
    if args.admin_json:
        with open(args.admin_json, "w", encoding="utf-8") as f:
            json.dump(admin, f)

    # Authentication on from the first request: the in-process equivalent of
    # INITIAL_NO_AUTH_ACTION_COUNT=0 (moto reads the setting on every request).
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    ActionAuthenticatorMixin.request_count = 0

    if not args.verbose:
        logging.getLogger("werkzeug").setLevel(logging.ERROR)

    app = Controls(DomainDispatcherApplication(create_backend_app))
    server = make_server(
        args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler
    )
    port = server.server_address[1]

    def stop(*_: object) -> None:
        # shutdown() blocks until serve_forever returns, so not from the serving thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not args.ignore_stdin:

        def watch_stdin() -> None:
            try:
                while sys.stdin.buffer.read1(4096):
                    pass
            except (OSError, ValueError):
                pass
            stop()

        threading.Thread(target=watch_stdin, daemon=True).start()

    print("ADMIN " + json.dumps(admin), flush=True)
    print(f"LISTENING {port}", flush=True)
    server.serve_forever()
    server.server_close()
    return 0
