"""Varnish in front of this project, with the project's own VCL (cms/varnish/default.vcl)."""

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .serve import wait_until_up

VCL = Path(__file__).resolve().parent.parent / "cms" / "varnish" / "default.vcl"


def available() -> bool:
    return shutil.which("varnishd") is not None


def vcl_for(backend_port: int) -> str:
    """The deployed VCL with its backend pointed at ``127.0.0.1:backend_port``."""
    text = VCL.read_text()
    return text.replace('.host = "web";', '.host = "127.0.0.1";').replace(
        '.port = "8000";', f'.port = "{backend_port}";'
    )


@contextmanager
def serve(port: int, backend_port: int, work: Path):
    """varnishd on 127.0.0.1:``port`` until the block ends; yields the port.

    varnishd compiles the VCL as an unprivileged user, so its files live in a folder anyone may
    read, not in the bench's private work folder.
    """
    own = Path(tempfile.mkdtemp(prefix="clinic-varnish-"))
    own.chmod(0o755)
    vcl = own / "default.vcl"
    vcl.write_text(vcl_for(backend_port))
    vcl.chmod(0o644)
    process = subprocess.Popen(
        [
            "varnishd",
            "-F",
            "-a",
            f"127.0.0.1:{port}",
            "-f",
            str(vcl),
            "-n",
            str(own / "instance"),
            "-s",
            "malloc,256m",
            "-T",
            "127.0.0.1:0",
        ],
        stdout=(work / "varnish.log").open("a"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/health/live/", "127.0.0.1", process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(own, ignore_errors=True)
