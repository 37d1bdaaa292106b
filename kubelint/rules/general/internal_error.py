"""kubelint itself failed on part of a file.

## What it does
When a rule or the reader crashes on some input, kubelint reports it here, at the object or file
it was looking at, and carries on with every other rule and file.

## Why is this bad?
It is a bug in kubelint, not in your manifest, but a check did not run, so a real problem may
have been missed.

## Example
There is no manifest that should cause it.

Use instead: a kubelint without the bug.

## How to fix
Report the message and, if you can, the smallest file that causes it. To get past it meanwhile,
disable the rule named in the message.
"""

from kubelint.findings import Severity

ID = "internal-error"
SEVERITY = Severity.ERROR
SCOPE = "engine"
BOOK = "none"
