"""Bench settings from BENCH_* environment variables, and the server command from the README."""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """What one ``make bench`` run does."""

    sizes: tuple[int, ...]
    duration: str
    connections: int
    threads: int
    rounds: int
    seed: int
    database_url: str
    redis_url: str
    server: str
    host: str
    app_port: int
    nginx_port: int
    proxy_port: int
    miss_port: int
    cache: Path
    results: Path
    only: str = ""  # "counting": only the readership-counting row (on the last size's site)


def settings() -> Settings:
    """Read BENCH_* from the environment; the defaults make the full run (~15 minutes)."""
    env = os.environ.get
    sizes = tuple(int(s) for s in env("BENCH_SIZES", "100,10000,100000").split(",") if s.strip())
    return Settings(
        sizes=sizes,
        duration=env("BENCH_DURATION", "5s"),
        connections=int(env("BENCH_CONNECTIONS", "32")),
        threads=int(env("BENCH_THREADS", "2")),
        rounds=int(env("BENCH_ROUNDS", "3")),
        seed=int(env("BENCH_SEED", "2026")),
        database_url=env("BENCH_DATABASE_URL", ""),
        redis_url=env("BENCH_REDIS_URL", ""),
        server=env("BENCH_SERVER", "") or readme_server_command(),
        host="127.0.0.1",
        app_port=int(env("BENCH_APP_PORT", "8011")),
        nginx_port=int(env("BENCH_NGINX_PORT", "8012")),
        proxy_port=int(env("BENCH_PROXY_PORT", "8013")),
        miss_port=int(env("BENCH_MISS_PORT", "8014")),
        cache=Path(env("BENCH_CACHE", str(ROOT / "bench" / ".cache"))),
        results=Path(env("BENCH_RESULTS", str(ROOT / "bench" / "results"))),
        only=env("BENCH_ONLY", "").strip().lower(),
    )


def readme_server_command(readme: Path = ROOT / "README.md") -> str:
    """The production server command the README gives users (its line naming ``app:app``)."""
    text = readme.read_text(encoding="utf-8")
    start = text.find("## Running in production")
    section = (text[start:] if start >= 0 else text).replace("\\\n", " ")
    for line in section.splitlines():
        line = line.strip()
        if "app:app" in line and not line.startswith(("#", "`", "-")):
            return " ".join(line.split())
    raise SystemExit("README.md has no server command with app:app; set BENCH_SERVER")


def server_argv(command: str, host: str, port: int) -> list[str]:
    """``command`` as arguments, listening on ``host:port`` instead of the README's address."""
    command = re.sub(r"\b\d{1,3}(?:\.\d{1,3}){3}:\d+\b", f"{host}:{port}", command)
    command = re.sub(r"(--port[ =])\d+", rf"\g<1>{port}", command)
    command = re.sub(r"(--host[ =])\S+", rf"\g<1>{host}", command)
    return shlex.split(command.replace("{host}", host).replace("{port}", str(port)))
