"""Python stubs for rapport.v1, generated from ../../proto at run time.

Nothing generated is committed: the first import runs grpc_tools.protoc on the .proto files
into `.generated/<hash>/` next to this file (or under $RAPPORT_PY_STUBS), keyed by a hash of the
.proto sources and the grpcio-tools version, so an edited proto gets fresh stubs and two
processes starting at once never see a half-written directory.

    from rapport_proto import pb, rpc, enum_name, enum_value
    stub = rpc.RapportStub(grpc.insecure_channel("localhost:50051"))
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROTO_ROOT = Path(os.environ.get("RAPPORT_PROTO_DIR", HERE.parent.parent / "proto"))
PROTO_FILES = ["turn", "assessment", "signal", "service"]
CACHE_ROOT = Path(os.environ.get("RAPPORT_PY_STUBS", HERE / ".generated"))

INSTALL_HINT = "pip install grpcio grpcio-tools  (into the interpreter running this script: {})"


def _missing(module: str) -> "NoReturn":  # noqa: F821
    sys.stderr.write(
        f"rapport examples: Python module '{module}' is missing. "
        + INSTALL_HINT.format(sys.executable)
        + "\n"
    )
    raise SystemExit(3)


try:
    import grpc  # noqa: F401
except ImportError:
    _missing("grpc (grpcio)")
try:
    import grpc_tools
    from grpc_tools import protoc
except ImportError:
    _missing("grpc_tools (grpcio-tools)")


def _sources() -> list[Path]:
    paths = [PROTO_ROOT / "rapport" / "v1" / f"{name}.proto" for name in PROTO_FILES]
    for path in paths:
        if not path.is_file():
            sys.stderr.write(f"rapport examples: {path} not found (set RAPPORT_PROTO_DIR)\n")
            raise SystemExit(3)
    return paths


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    try:
        from importlib.metadata import version

        digest.update(version("grpcio-tools").encode())
    except Exception:  # pragma: no cover - metadata missing is harmless, only the key changes
        pass
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _generate(paths: list[Path], target: Path) -> None:
    """protoc into a private temp dir, then rename it into place (atomic on one filesystem)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        well_known = Path(grpc_tools.__file__).resolve().parent / "_proto"
        args = [
            "grpc_tools.protoc",
            f"-I{PROTO_ROOT}",
            f"-I{well_known}",
            f"--python_out={scratch}",
            f"--pyi_out={scratch}",
            f"--grpc_python_out={scratch}",
            *[str(p.relative_to(PROTO_ROOT)) for p in paths],
        ]
        status = protoc.main(args)
        if status != 0:
            sys.stderr.write(f"rapport examples: protoc failed ({status}): {' '.join(args)}\n")
            raise SystemExit(3)
        try:
            os.rename(scratch, target)
        except OSError:
            if not target.is_dir():  # not "another process won the race"
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _load():
    paths = _sources()
    target = CACHE_ROOT / _fingerprint(paths)
    if not (target / "rapport" / "v1" / "service_pb2_grpc.py").is_file():
        _generate(paths, target)
    sys.path.insert(0, str(target))
    from rapport.v1 import assessment_pb2, service_pb2, service_pb2_grpc, signal_pb2, turn_pb2

    return assessment_pb2, service_pb2, service_pb2_grpc, signal_pb2, turn_pb2


assessment_pb2, service_pb2, service_pb2_grpc, signal_pb2, turn_pb2 = _load()


class _Messages:
    """Every rapport.v1 message and enum in one namespace: pb.Turn, pb.Channel, pb.SignalKind..."""

    def __init__(self, *modules):
        for module in modules:
            for name, value in vars(module).items():
                if not name.startswith("_"):
                    setattr(self, name, value)


pb = _Messages(turn_pb2, assessment_pb2, signal_pb2, service_pb2)
rpc = service_pb2_grpc

# Enum value prefixes, per the buf style the protos follow (SIGNAL_KIND_ESCALATE, CHANNEL_CHAT...).
_PREFIXES = {
    "SignalKind": "SIGNAL_KIND_",
    "Priority": "PRIORITY_",
    "ReasonCode": "REASON_CODE_",
    "Channel": "CHANNEL_",
    "Speaker": "SPEAKER_",
    "Trend": "TREND_",
    "CueKind": "CUE_KIND_",
}


def enum_name(enum: str, value: int) -> str:
    """Short name of an enum value: enum_name("SignalKind", 1) == "ESCALATE"."""
    wrapper = getattr(pb, enum)
    try:
        full = wrapper.Name(value)
    except ValueError:
        return str(value)
    return full.removeprefix(_PREFIXES[enum])


def enum_value(enum: str, name: str) -> int:
    """Value of an enum by short or full name, any case: enum_value("SignalKind", "escalate")."""
    wrapper = getattr(pb, enum)
    name = name.strip().upper().replace("-", "_")
    prefix = _PREFIXES[enum]
    for candidate in (name, prefix + name):
        try:
            return wrapper.Value(candidate)
        except ValueError:
            pass
    choices = ", ".join(n.removeprefix(prefix) for n in wrapper.keys() if not n.endswith("UNSPECIFIED"))
    raise ValueError(f"unknown {enum} {name!r} (one of: {choices})")


def open_channel(addr: str, ca: str | None = None):
    """A channel to rapport: plain text, or TLS trusting the CA in the PEM file `ca`."""
    import grpc

    if ca is None:
        return grpc.insecure_channel(addr)
    with open(ca, "rb") as pem:
        return grpc.secure_channel(addr, grpc.ssl_channel_credentials(root_certificates=pem.read()))


def auth_metadata(token: str | None) -> list:
    """Call metadata carrying `authorization: Bearer <token>`, or none without a token."""
    return [("authorization", f"Bearer {token}")] if token else []
