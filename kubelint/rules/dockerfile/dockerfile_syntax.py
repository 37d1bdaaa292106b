r"""The Dockerfile does not parse the way BuildKit reads it.

## What it does
Reads the Dockerfile as BuildKit's Dockerfile frontend does (parser directives, line continuations
with the active escape character, heredocs, JSON and shell forms, flags, multi-stage builds) and
reports what it would refuse, such as an unknown instruction, an unterminated heredoc or an
instruction before the first `FROM`. The rest of the file is still checked where possible.

## Why is this bad?
`docker build` stops at the first such error, so the image you meant to test is never built.
The usual cause is a missing line continuation, which turns the next line of a long `RUN` into an
"instruction" of its own.

## Example
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask
    gunicorn
```

Use instead:
```dockerfile
FROM python:3.12-slim
RUN pip install --no-cache-dir flask \
    gunicorn
```

## How to fix
Look at the reported line and the one above it: add the missing `\` (or the escape character set by
`# escape=`), close the heredoc with its delimiter on a line of its own, or fix the instruction's
spelling.
"""

from kubelint.findings import Severity

ID = "dockerfile-syntax"
SEVERITY = Severity.ERROR
SCOPE = "engine"
BOOK = "Chapter 2, Creating and Running Containers"
