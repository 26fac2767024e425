"""Twofold's IAM/STS emulator for end-to-end tests: moto, hardened where it is laxer than AWS.

moto 5.2 accepts any MFA codes, ignores SerialNumber/TokenCode on GetSessionToken, returns random
bytes as QRCodePNG and lacks ResyncMFADevice (see /work/shared/notes/iam-emulator.md). This
package runs moto in-process and patches its IAM/STS response handlers so those calls behave like
AWS (`hardening`), and wraps the WSGI app with test controls under `/_twofold/` (`control`).
The `--account-id` account is the management account of an AWS Organization whose member accounts
tests add (`org`); CloudTrail's LookupEvents serves console sign-ins (`trail`); hardware TOTP
tokens come from an inventory (`tokens`).

Run: `python -m iam_emulator` from `tests/` (see `server.py` for flags). Prints `ADMIN {json}`
then `LISTENING <port>`; exits when stdin closes or on SIGTERM.
"""
