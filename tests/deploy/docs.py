"""The files docs/deploy.md asks an operator to write, read from the page itself, so a test that
uses them cannot drift from what the page says.

Each file is a fenced block whose first line names it (`# /etc/secondopinion/env`). The
environment file is read twice, the two ways the page uses it: by systemd (`EnvironmentFile=` in
the units) and by the shell (`set -a; . /etc/secondopinion/env; set +a` in "First start"). Both
must give the same values, so no line may rely on one reader's rules (an inline `# comment`
is part of the value for systemd; a space or `<` outside quotes breaks the shell).
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

DEPLOY_MD = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
ENV_FILE = "/etc/secondopinion/env"
# The placeholders an operator replaces before the file is usable.
PLACEHOLDERS = {
    "<50+ random characters, the same on every machine>": "docs-env-" + "k" * 50,
    "<password>": "secret",
}


def docs_file(name: str, lang: str) -> str:
    """The fenced `lang` block of docs/deploy.md whose first line is `# {name}`."""
    text = DEPLOY_MD.read_text()
    found = re.search(rf"```{lang}\n(# {re.escape(name)}\b.*?)```", text, re.S)
    assert found, f"docs/deploy.md has no {lang} block for {name}"
    return found.group(1)


def replaced(text: str, replacements: list[tuple[str, str]]) -> str:
    """`text` with each old string replaced; each must be there, so a block that drifts from what
    is tested fails the test instead of passing untested."""
    for old, new in replacements:
        assert old in text, f"the docs' block no longer has {old!r}"
        text = text.replace(old, new)
    return text


def env_file_filled() -> str:
    """The docs' environment file with its placeholders filled in, as an operator writes it."""
    return replaced(docs_file(ENV_FILE, "sh"), list(PLACEHOLDERS.items()))


def env_read_as_systemd(text: str) -> dict[str, str]:
    """What systemd's EnvironmentFile= makes of `text`: `#` and `;` start a comment only at the
    start of a line, the value is the rest of the line (trailing spaces dropped), and a value in
    double or single quotes loses them. (Backslash escapes, which the file does not use, are
    left out.)"""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        key, sep, value = line.partition("=")
        assert sep, f"not a KEY=value line: {line!r}"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def env_read_as_shell(path: Path) -> dict[str, str]:
    """What `set -a; . FILE; set +a` gives the commands run after it (the docs' "First start")."""
    script = 'set -a; . "$1"; set +a; exec env -0'
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    result = subprocess.run(
        ["/bin/sh", "-c", script, "sh", str(path)],
        env=base,
        capture_output=True,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr.decode()
    pairs = (item.split("=", 1) for item in result.stdout.decode().split("\0") if "=" in item)
    return {key: value for key, value in pairs if key not in base and key not in ("PWD", "SHLVL")}
