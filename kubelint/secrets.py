"""Is a literal (name, value) pair a secret written in plain text?

Shared by the rules that look at container env values, ConfigMap data and Dockerfile ENV/ARG.
The judgement uses both halves of the pair:

* **high**: the value has the shape of a known credential (a cloud or SaaS token, a JWT, a PEM
  private key, a URL or connection string with a password in it), whatever the name says;
* **medium**: the name says it holds a password, token, API key... and the value is a literal
  that would be deployed as written (weak ones such as ``changeme`` included), or a multi-line
  or JSON value sets such a key itself (``spring.datasource.password=admin``);
* **low**: a neutral name with a long random-looking value; the rules decide whether to report it.

Templates and references (``$(VAR)``, ``${VAR}``, ``{{ .Values.x }}``, ``<your-token>``), masks
(``*****``, ``xxxx``), booleans, numbers, paths, plain URLs and names that only point at a secret
(``DB_PASSWORD_FILE``, ``SECRET_NAME``, ``AWS_ACCESS_KEY_ID``) are not secrets.

Everything is pure and cheap: regexes are compiled once, run only when a cheap test says they may
match, use bounded quantifiers, and only the first ``MAX_TEXT`` characters of a value are examined.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "HIGH",
    "LOW",
    "MEDIUM",
    "SecretVerdict",
    "judge_secret",
    "looks_like_secret_name",
    "shannon_entropy",
]

HIGH = "high"
MEDIUM = "medium"
LOW = "low"

MAX_TEXT = 4096
MAX_NAME = 256
_SHOWN_NAME = 80


@dataclass(frozen=True, slots=True)
class SecretVerdict:
    reason: str
    confidence: str


def shannon_entropy(text: str) -> float:
    """Bits per character of `text`, from its own character frequencies (0.0 for "")."""
    if not text:
        return 0.0
    length = len(text)
    return -sum(count / length * math.log2(count / length) for count in Counter(text).values())


# ---------------------------------------------------------------------------------------------
# Known credential formats (high confidence, whatever the name)
# ---------------------------------------------------------------------------------------------

_BEFORE = r"(?<![A-Za-z0-9_-])"  # a token starts a run of token characters...
_AFTER = r"(?![A-Za-z0-9_-])"  # ...and ends it


@dataclass(frozen=True, slots=True)
class _Format:
    reason: str
    hints: tuple[str, ...]  # at least one must occur in the text before the regex runs
    pattern: re.Pattern[str]
    is_real: Callable[[re.Match[str]], bool] = lambda match: True


def _token(body: str) -> re.Pattern[str]:
    return re.compile(_BEFORE + body + _AFTER)


def _has_upper_lower_digit(text: str) -> bool:
    has_upper = any(c.isupper() for c in text)
    return has_upper and any(c.islower() for c in text) and any(c.isdigit() for c in text)


def _not_aws_documentation_example(match: re.Match[str]) -> bool:
    return "EXAMPLE" not in match.group(0)


def _random_sk_body(match: re.Match[str]) -> bool:
    return _has_upper_lower_digit(match.group("body"))


def _jwt_header_has_alg(match: re.Match[str]) -> bool:
    header = _b64decode(match.group("header"), urlsafe=True)
    return header is not None and b'"alg"' in header


_PEM_BODY = re.compile(r"[A-Za-z0-9+/]{40}")


def _pem_has_key_material(match: re.Match[str]) -> bool:
    following = match.string[match.end() : match.end() + 600]
    end = following.find("-----END")
    return _PEM_BODY.search(following if end < 0 else following[:end]) is not None


_CONNECTION_STRING_KEY = re.compile(
    r"(?i)(?:^|;)\s{0,4}(?:server|host|data source|address|user id|uid|username)\s{0,4}="
)


def _password_in_connection_string(match: re.Match[str]) -> bool:
    """`Server=db;User Id=app;Password=s3cr3t`: ADO.NET, ODBC and JDBC property strings."""
    return _CONNECTION_STRING_KEY.search(match.string) is not None and _captured_password_is_literal(match)


def _captured_password_is_literal(match: re.Match[str]) -> bool:
    password = _unquote(match.group("password").strip())
    return bool(password) and not _is_template_or_mask(password)


_FORMATS: tuple[_Format, ...] = (
    _Format(
        "the value looks like an AWS access key id",
        ("AKIA", "ASIA"),
        re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])"),
        _not_aws_documentation_example,
    ),
    _Format(
        "the value looks like a GitHub token",
        ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
        _token(r"gh[pousr]_[A-Za-z0-9]{36,251}"),
    ),
    _Format(
        "the value looks like a GitHub fine-grained token",
        ("github_pat_",),
        _token(r"github_pat_[A-Za-z0-9_]{60,251}"),
    ),
    _Format("the value looks like a GitLab token", ("glpat-",), _token(r"glpat-[A-Za-z0-9_-]{20,255}")),
    _Format(
        "the value looks like a Slack token",
        ("xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-"),
        _token(r"xox[bpars]-[0-9]{1,16}-[0-9A-Za-z-]{8,255}"),
    ),
    _Format(
        "the value contains a Slack webhook URL",
        ("hooks.slack.com",),
        re.compile(r"hooks\.slack\.com/services/T[A-Z0-9]{6,16}/B[A-Z0-9]{6,16}/[A-Za-z0-9]{16,48}"),
    ),
    _Format(
        "the value looks like a Stripe secret key",
        ("sk_live_", "rk_live_", "sk_test_", "rk_test_"),
        _token(r"[sr]k_(?:live|test)_[A-Za-z0-9]{16,255}"),
    ),
    _Format("the value looks like a Google API key", ("AIza",), _token(r"AIza[0-9A-Za-z_-]{35}")),
    _Format(
        'the value looks like an "sk-" API key (OpenAI style)',
        ("sk-",),
        _token(r"sk-(?:proj-|svcacct-|admin-|ant-[a-z]{3,5}[0-9]{2}-)?(?P<body>[A-Za-z0-9_-]{32,255})"),
        _random_sk_body,
    ),
    _Format("the value looks like an npm token", ("npm_",), _token(r"npm_[A-Za-z0-9]{36}")),
    _Format("the value looks like a PyPI token", ("pypi-AgE",), _token(r"pypi-AgE[A-Za-z0-9_-]{50,4096}")),
    _Format(
        "the value looks like a SendGrid API key",
        ("SG.",),
        _token(r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"),
    ),
    _Format("the value looks like a Twilio API key", ("SK",), _token(r"SK[0-9a-fA-F]{32}")),
    _Format("the value looks like a Hugging Face token", ("hf_",), _token(r"hf_[A-Za-z]{34}")),
    _Format(
        "the value looks like a DigitalOcean token",
        ("dop_v1_", "doo_v1_", "dor_v1_"),
        _token(r"do[por]_v1_[a-f0-9]{64}"),
    ),
    _Format(
        "the value looks like a Docker Hub access token",
        ("dckr_pat_",),
        _token(r"dckr_pat_[A-Za-z0-9_-]{27}"),
    ),
    _Format(
        "the value looks like a HashiCorp Vault token",
        ("hvs.", "hvb."),
        _token(r"hv[sb]\.[A-Za-z0-9_-]{24,255}"),
    ),
    _Format(
        "the value looks like a Shopify access token",
        ("shpat_", "shpss_", "shpca_", "shppa_"),
        _token(r"shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}"),
    ),
    _Format(
        "the value looks like an age secret key",
        ("AGE-SECRET-KEY-1",),
        _token(r"AGE-SECRET-KEY-1[0-9A-Z]{58}"),
    ),
    _Format(
        "the value looks like a JSON Web Token",
        ("eyJ",),
        _token(r"(?P<header>eyJ[A-Za-z0-9_-]{10,4096})\.[A-Za-z0-9_-]{10,4096}\.[A-Za-z0-9_-]{0,4096}"),
        _jwt_header_has_alg,
    ),
    _Format(
        "the value contains a PEM private key",
        ("PRIVATE KEY",),
        re.compile(r"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----"),
        _pem_has_key_material,
    ),
    _Format(
        "the value is a URL with a password in it",
        ("://",),
        re.compile(
            r"(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,30}://"
            r"[^\s:/?#@\[\]\"']{0,128}:(?P<password>[^\s/?#@\"']{1,256})@[A-Za-z0-9\[_-]"
        ),
        _captured_password_is_literal,
    ),
    _Format(
        "the value is an Azure connection string with an account key",
        ("AccountKey=", "SharedAccessKey="),
        re.compile(r"(?:AccountKey|SharedAccessKey)=(?P<password>[A-Za-z0-9+/]{30,200}={0,2})"),
        _captured_password_is_literal,
    ),
    _Format(
        "the value is a connection string with a password in it",
        (";",),
        re.compile(
            r"(?im)(?:^|[;\"'])[ \t]{0,4}(?:password|pwd)[ \t]{0,4}=[ \t]{0,4}"
            r"(?P<password>[^;\"'\r\n]{1,128})"
        ),
        _password_in_connection_string,
    ),
    _Format(
        "the value is an Authorization header with credentials",
        ("uthorization", "UTHORIZATION"),
        re.compile(
            r"(?i)authorization[\"']?\s{0,4}[:=]\s{0,4}[\"']?(?:basic|bearer|token)\s{1,4}"
            r"(?P<password>[A-Za-z0-9._~+/-]{8,2048}={0,2})"
        ),
        _captured_password_is_literal,
    ),
)


def _first_character_alternation(words: list[str]) -> str:
    """An alternation factored on first characters, which the regex engine scans much faster."""
    by_first: dict[str, list[str]] = {}
    for word in words:
        by_first.setdefault(word[0], []).append(word[1:])
    branches = []
    for first, rests in sorted(by_first.items()):
        if "" in rests:  # a shorter hint is a prefix of the longer ones: finding it is enough
            branches.append(re.escape(first))
        else:
            branches.append(re.escape(first) + "(?:" + "|".join(re.escape(rest) for rest in rests) + ")")
    return "|".join(branches)


# Most values contain no hint at all: one regex search says so; substring tests pick the formats to try.
_ALL_HINTS = tuple(sorted({hint for fmt in _FORMATS for hint in fmt.hints}))
_ANY_HINT = re.compile(_first_character_alternation(list(_ALL_HINTS)))


def _known_format_reason(text: str) -> str | None:
    if _ANY_HINT.search(text) is None:
        return None
    present = {hint for hint in _ALL_HINTS if hint in text}
    for fmt in _FORMATS:
        if present.isdisjoint(fmt.hints):
            continue
        if any(fmt.is_real(match) for match in fmt.pattern.finditer(text)):
            return fmt.reason
    return None


# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

# A word that on its own says the variable holds a secret, with the phrase for the message.
_SECRET_WORDS: dict[str, str] = {
    "password": "is a password",
    "passwd": "is a password",
    "pass": "is a password",
    "pwd": "is a password",
    "passphrase": "is a passphrase",
    "secret": "is a secret",
    "secrets": "holds secrets",
    "token": "is a token",
    "credential": "is a credential",
    "credentials": "holds credentials",
    "creds": "holds credentials",
}
# "<qualifier> key" is a secret key: API_KEY, SECRET_KEY, PRIVATE_KEY... ("CACHE_KEY" is not).
_KEY_QUALIFIERS = frozenset(
    {
        "api", "access", "secret", "private", "master", "encryption", "encrypt", "decryption", "decrypt",
        "signing", "sign", "client", "account", "shared", "app", "auth", "hmac", "crypto", "storage",
        "tls", "ssl", "ssh", "license", "session", "jwt", "cookie", "subscription", "admin", "deploy",
    }
)  # fmt: skip
_ACRONYMS = {"api": "API", "tls": "TLS", "ssl": "SSL", "ssh": "SSH", "jwt": "JWT", "hmac": "HMAC"}
_SAID_WITH_A_VOWEL = frozenset({"api", "ssl", "ssh", "hmac"})  # "an SSH key", but "a TLS key"
# After the secret word, these say the variable points at, names or configures a secret.
_DESCRIPTORS = frozenset(
    {
        "file", "files", "filename", "path", "paths", "dir", "directory", "folder", "location", "mount",
        "volume", "name", "names", "ref", "reference", "id", "ids", "arn", "url", "uri", "urls",
        "endpoint", "host", "hostname", "port", "addr", "address", "server", "ttl", "timeout", "expiry",
        "expires", "expire", "expiration", "lifetime", "duration", "age", "interval", "period", "seconds",
        "secs", "sec", "ms", "minutes", "mins", "hours", "days", "length", "len", "size", "min", "max",
        "count", "limit", "enabled", "enable", "disabled", "disable", "required", "require", "policy",
        "policies", "type", "kind", "mode", "method", "header", "field", "param", "parameter", "audience",
        "issuer", "provider", "backend", "store", "manager", "namespace", "version", "format", "prefix",
        "suffix", "source", "label", "annotation", "selector", "env", "var", "variable", "hint", "regex",
        "pattern", "template", "rotation", "algorithm", "alg", "salt", "username", "image", "driver",
        "plugin", "class", "through", "thru", "command", "cmd", "script", "generator", "validation",
        "complexity", "strength", "reset", "scope", "scopes", "claim", "claims", "flag", "option",
        "options", "config", "strategy", "cipher",
    }
)  # fmt: skip
# Anywhere in a name, these say the value is not a plain-text secret: a hash, a public key, the name
# of an existing Secret object (Helm's `existingSecret`).
_NOT_PLAINTEXT = frozenset(
    {"hash", "hashed", "digest", "encrypted", "sealed", "checksum", "fingerprint", "public", "publishable"}
    | {"existing"}
)
# Identifiers and metadata: a random-looking value under such a name is not even a low finding.
_IDENTIFIER_WORDS = frozenset(
    {
        "id", "ids", "uid", "uuid", "guid", "hash", "digest", "sha", "sha1", "sha256", "sha512",
        "checksum", "fingerprint", "version", "revision", "rev", "commit", "image", "tag", "nonce",
        "serial", "thumbprint", "etag", "cert", "certificate", "crt", "ca", "pub", "public", "trace",
        "span", "request", "correlation", "session", "publishable",
    }
)  # fmt: skip
# Names with a secret word that are known identifiers (etcd's initial cluster token names the cluster).
_NOT_SECRET_PHRASES = (("initial", "cluster", "token"),)
# Words that a lower-case or upper-case run of letters is split on: "dbpassword", "SECRETNAME".
_JOINABLE_SUFFIXES = tuple(
    sorted(
        {"password", "passwd", "passphrase", "secret", "secrets", "token", "credential", "credentials", "key"}
        | {"api", "access", "private", "master", "account", "storage", "client", "signing", "encryption"}
        | {word for word in _DESCRIPTORS if len(word) >= 3},
        key=len,
        reverse=True,
    )
)
_KNOWN_WORDS = frozenset(_SECRET_WORDS) | _KEY_QUALIFIERS | _DESCRIPTORS | _NOT_PLAINTEXT | _IDENTIFIER_WORDS

_NAME_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")
_CAMEL_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _split_joined(word: str) -> list[str]:
    """'dbpassword' -> ['db', 'password'], 'secretname' -> ['secret', 'name'], 'apikey' -> ['api', 'key']."""
    if word in _KNOWN_WORDS or len(word) < 5:
        return [word]
    for suffix in _JOINABLE_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return [*_split_joined(word[: -len(suffix)]), suffix]
    return [word]


def _name_words(name: str) -> tuple[str, ...]:
    words: list[str] = []
    for chunk in _NAME_SEPARATORS.split(name[:MAX_NAME]):
        for word in _CAMEL_WORDS.findall(chunk):
            words.extend(_split_joined(word.lower()))
    return tuple(words)


@dataclass(frozen=True, slots=True)
class _NameInfo:
    words: tuple[str, ...]
    holds: str | None  # "is a password"... when the name says it holds a secret
    secret_word: str | None  # the word that says so
    is_identifier: bool  # names an id, digest, version...: not worth a low finding


def _is_meaningful(word: str) -> bool:
    return not word.isdigit()


def _secret_term_at(words: tuple[str, ...], index: int) -> str | None:
    """The message phrase when words[index] says the name holds a secret."""
    word = words[index]
    meaningful = [w for w in words if _is_meaningful(w)]
    if word == "pwd":  # PWD alone is the shell's working directory
        return _SECRET_WORDS[word] if len(meaningful) > 1 else None
    if word in _SECRET_WORDS:
        return _SECRET_WORDS[word]
    if word == "auth":  # REDIS_AUTH, BASIC_AUTH; but AUTH_METHOD, GF_AUTH_ANONYMOUS_ENABLED are settings
        return "holds credentials" if len(meaningful) > 1 and meaningful[-1] == "auth" else None
    if word == "key" and index > 0 and words[index - 1] in _KEY_QUALIFIERS:
        return f"is {_key_kind(words[max(index - 2, 0) : index])} key"
    return None


def _key_kind(before_key: tuple[str, ...]) -> str:
    """'an API', 'a secret access', 'a storage account': the qualifiers right before KEY, with an article."""
    qualifiers = list(before_key)
    while qualifiers[0] not in _KEY_QUALIFIERS:
        qualifiers.pop(0)
    shown = " ".join(_ACRONYMS.get(word, word) for word in qualifiers)
    article = "an" if shown[0] in "aeiou" or qualifiers[0] in _SAID_WITH_A_VOWEL else "a"
    return f"{article} {shown}"


def _contains_phrase(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


def _never_plaintext(words: tuple[str, ...]) -> bool:
    """PASSWORD_HASH, PUBLIC_KEY, ETCD_INITIAL_CLUSTER_TOKEN: a secret word, but not a plain-text secret."""
    if any(word in _NOT_PLAINTEXT for word in words):
        return True
    return any(_contains_phrase(words, phrase) for phrase in _NOT_SECRET_PHRASES)


def _last_secret_term(words: tuple[str, ...]) -> tuple[int, str] | None:
    for index in range(len(words) - 1, -1, -1):
        phrase = _secret_term_at(words, index)
        if phrase is not None:
            return index, phrase
    return None


def _descriptor_follows(words: tuple[str, ...], index: int) -> bool:
    """DB_PASSWORD_FILE, SECRET_NAME, TOKEN_AUDIENCE; and DB_PASSWORD_KEY (the key inside a Secret)."""
    after = words[index + 1 :]
    if any(word in _DESCRIPTORS for word in after):
        return True
    return bool(after) and after[0] == "key" and words[index] != "secret"


@lru_cache(maxsize=4096)
def _analyse_name(name: str) -> _NameInfo:
    words = _name_words(name)
    meaningful = [w for w in words if _is_meaningful(w)]
    ends_with_descriptor = bool(meaningful) and meaningful[-1] in _DESCRIPTORS
    is_identifier = ends_with_descriptor or any(w in _IDENTIFIER_WORDS for w in words)
    if _never_plaintext(words):
        return _NameInfo(words, None, None, is_identifier)
    found = _last_secret_term(words)
    if found is None or _descriptor_follows(words, found[0]):
        return _NameInfo(words, None, None, is_identifier)
    index, holds = found
    return _NameInfo(words, holds, words[index], is_identifier)


def looks_like_secret_name(name: str) -> bool:
    """True when the name holds the secret itself (DB_PASSWORD), not where it is (DB_PASSWORD_FILE)."""
    return _analyse_name(str(name)).holds is not None


# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

# `${X}`, `$(X)`, `{{ x }}`, `{% x %}`, `<%= x %>`, `#{x}`, `[[ x ]]` anywhere; `<your-token>` placeholders.
_TEMPLATE = re.compile(r"\$[({]|\{[{%]|<%|#\{|\[\[|<[^<>\n]{1,100}>")
_WHOLE_REFERENCE = re.compile(
    r"\$[A-Za-z_][A-Za-z0-9_]{0,200}|\$[0-9]|@[A-Za-z_][A-Za-z0-9_.-]{0,200}@|__[A-Za-z0-9_]{1,200}__"
    r"|%[A-Za-z_][A-Za-z0-9_]{0,200}%|%\([A-Za-z_][A-Za-z0-9_]{0,200}\)[sd]|%[sdv]"
)
_VALUE_WORD_SEPARATORS = re.compile(r"[\W_]+")
_MASK = re.compile(r"[xX*•#?. _-]{1,4096}")
_PLACEHOLDER_FIRST_WORDS = frozenset(
    {"replace", "insert", "your", "enter", "fill", "put", "placeholder", "todo", "tbd", "fixme", "redacted"}
    | {"omitted", "masked"}
)
_PLACEHOLDER_PREFIXES = ("your", "insert", "replace", "placeholder")
_EMPTY_WORDS = frozenset({"none", "null", "nil", "n/a", "na", "undefined", "unset", "~", "-", "empty"})
_BOOLEAN = re.compile(r"(?i)true|false|yes|no|on|off|y|n|enabled?|disabled?")
_NUMBER_OR_QUANTITY = re.compile(r"(?i)[+-]?[0-9]{1,30}(?:\.[0-9]{1,30})?(?:[num]?s|m|h|d|w|y|[kmgtpe]i?|%)?")
_PATH = re.compile(r"(?:~|\.{1,2})?/[\w.@%+~-]{0,255}(?:/[\w.@%+~-]{0,255}){0,64}|[A-Za-z]:\\[^\s]{0,1024}")
_FILE_NAME = re.compile(
    r"[\w.-]{1,200}\.(?:pem|key|crt|cer|der|p8|p12|pfx|jks|keystore|truststore|json|ya?ml|txt|env|conf|cfg"
    r"|ini|properties|gpg|asc|pub|secret|token)",
    re.IGNORECASE,
)
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}://\S{0,4096}")
_SECRET_STORE_REFERENCE = re.compile(
    r"(?:arn:aws[\w-]{0,20}:|vault:|ref\+|projects/[^/\s]{1,100}/secrets/|secretsmanager:|ssm:|azurekeyvault:|akv:)"
)
_HASHED = re.compile(
    r"\$(?:1|2[abxy]?|5|6|apr1|argon2(?:id|i|d)|scrypt|pbkdf2[\w-]{0,20})\$|\{(?:S?SHA\d{0,3}|BCRYPT|MD5|CRYPT)\}"
)
_ENCRYPTED = re.compile(r"ENC\(.{1,4000}\)")
_DNS_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,251}[a-z0-9])?")
_SECRET_OBJECT_SUFFIXES = frozenset(
    {"secret", "secrets", "creds", "credentials", "cert", "certs", "tls", "keys", "keypair", "token"}
)
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_UPPER_IDENTIFIER = re.compile(r"[A-Z0-9_]{1,300}")
# Values that choose how to authenticate (`REDIS_AUTH: none`, `KAFKA_SASL_AUTH: plain`), not credentials.
_AUTH_MODES = frozenset(
    {
        "basic", "bearer", "oauth", "oauth2", "oidc", "ldap", "saml", "jwt", "plain", "scram", "kerberos",
        "digest", "anonymous", "iam", "mtls", "cert", "htpasswd", "apikey", "token", "password",
    }
)  # fmt: skip


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def _is_template_or_mask(value: str) -> bool:
    """Filled in later by a tool or a person, or hidden: `${DB_PASSWORD}`, `<your-token>`, `*****`."""
    if _TEMPLATE.search(value) or _WHOLE_REFERENCE.fullmatch(value) or _MASK.fullmatch(value):
        return True
    lowered = value.lower()
    words = [w for w in _VALUE_WORD_SEPARATORS.split(lowered) if w]
    if not words:
        return True
    if words[0] in _PLACEHOLDER_FIRST_WORDS or words[-1] == "here":
        return True
    return lowered.startswith(_PLACEHOLDER_PREFIXES) or lowered in _EMPTY_WORDS


def _echoes_name(value: str, words: tuple[str, ...]) -> bool:
    """`GOOGLE_API_KEY: GOOGLE_API_KEY_VAL`, `PASSWORD: password`: the value repeats the name."""
    squashed_name = "".join(words)
    squashed_value = _NOT_ALNUM.sub("", value.lower())
    if len(squashed_name) < 4 or squashed_value == squashed_name:
        return squashed_value == squashed_name
    return bool(_UPPER_IDENTIFIER.fullmatch(value)) and squashed_name in squashed_value


def _is_not_a_literal(value: str) -> bool:
    """Values that no one would deploy as a credential: booleans, numbers, paths, plain URLs, hashes."""
    if _BOOLEAN.fullmatch(value) or _NUMBER_OR_QUANTITY.fullmatch(value):
        return True
    if _PATH.fullmatch(value) or _FILE_NAME.fullmatch(value) or _URL.fullmatch(value):
        return True
    if _SECRET_STORE_REFERENCE.match(value):
        return True
    return bool(_HASHED.search(value) or _ENCRYPTED.fullmatch(value))


def _names_a_secret_object(value: str, secret_word: str) -> bool:
    """`TLS_SECRET: webhook-certs`: the name of a Kubernetes Secret, not its content."""
    if secret_word not in {"secret", "secrets", "credentials", "creds"}:
        return False
    namespace, _, object_name = value.rpartition("/")
    if namespace and not _DNS_LABEL.fullmatch(namespace):
        return False
    if not _DNS_LABEL.fullmatch(object_name) or "-" not in object_name:
        return False
    return object_name.rsplit("-", 1)[1] in _SECRET_OBJECT_SUFFIXES


def _is_deployable_literal(value: str, info: _NameInfo) -> bool:
    """A value that would reach the cluster as written, so a real (maybe weak) credential."""
    value = _unquote(value.strip())
    if not value or not any(c.isalnum() for c in value):
        return False
    if _is_template_or_mask(value) or _is_not_a_literal(value) or _echoes_name(value, info.words):
        return False
    if info.secret_word == "auth" and value.lower() in _AUTH_MODES:
        return False
    return not (info.secret_word and _names_a_secret_object(value, info.secret_word))


# ---------------------------------------------------------------------------------------------
# Keys set inside a value: a properties/YAML/.env file, a JSON document, -D/--flags, a query string
# ---------------------------------------------------------------------------------------------

_INNER_NAME = r"[A-Za-z_][A-Za-z0-9_.-]{0,100}"
_LINE_ASSIGNMENT = re.compile(
    r"(?m)^[ \t]{0,64}(?:export[ \t]{1,8}|-[ \t]{1,8})?[\"']?(?P<name>" + _INNER_NAME + r")[\"']?"
    r"[ \t]{0,8}[:=][ \t]{0,8}(?P<value>[^\r\n]{0,512})$"
)
_JSON_PAIR = re.compile(r"\"(?P<name>" + _INNER_NAME + r")\"\s{0,8}:\s{0,8}\"(?P<value>[^\"\\\r\n]{0,512})\"")
_FLAG = re.compile(r"(?:^|\s)(?:-D|--?)(?P<name>" + _INNER_NAME + r")=(?P<value>\S{1,512})")
_QUERY_PARAMETER = re.compile(r"[?&;](?P<name>[A-Za-z_][A-Za-z0-9_.-]{0,100})=(?P<value>[^&;#\s\"']{1,512})")
_SECRET_HINTS = ("pass", "pwd", "secret", "token", "key", "auth", "cred")
_INLINE_COMMENT = re.compile(r"\s#.{0,512}$")


def _clean_inner_value(raw: str) -> str:
    value = raw.strip().rstrip(",").strip()
    if value and value[0] in "\"'":
        closing = value.find(value[0], 1)
        return value[1:closing] if closing > 0 else value[1:]
    return _INLINE_COMMENT.sub("", value).strip()


def _inner_assignments(text: str) -> Iterator[tuple[str, str]]:
    if "\n" in text:
        for match in _LINE_ASSIGNMENT.finditer(text):
            yield match.group("name"), _clean_inner_value(match.group("value"))
    if '"' in text and ":" in text:
        for match in _JSON_PAIR.finditer(text):
            yield match.group("name"), match.group("value")
    if "-" in text and "=" in text:
        for match in _FLAG.finditer(text):
            yield match.group("name"), _clean_inner_value(match.group("value"))
    if "=" in text and ("?" in text or "&" in text or ";" in text):
        for match in _QUERY_PARAMETER.finditer(text):
            yield match.group("name"), match.group("value")


def _names_a_field(value: str) -> bool:
    """`secretKey: password` inside a config file names the key of a Secret rather than being one."""
    return value.lower() in _SECRET_WORDS or value.lower() in {"username", "user", "key", "apikey", "api-key"}


def _inner_secret_reason(text: str) -> str | None:
    lowered = text.lower()
    if not any(hint in lowered for hint in _SECRET_HINTS):
        return None
    for inner_name, inner_value in _inner_assignments(text):
        info = _analyse_name(inner_name)
        if info.holds is None or inner_value[:1] in ("|", ">", "&", "*", "{", "["):
            continue
        if _names_a_field(inner_value):
            continue
        if _is_deployable_literal(inner_value, info):
            return f'the value sets "{_shown(inner_name)}", whose name says it {info.holds}'
    return None


# ---------------------------------------------------------------------------------------------
# Random-looking values under neutral names (low confidence)
# ---------------------------------------------------------------------------------------------

_RANDOM_TOKEN = re.compile(r"[A-Za-z0-9+/=_.-]{32,4096}")
_HEX_OR_UUID = re.compile(r"[0-9a-fA-F-]{32,4096}")
_DIGEST_PREFIX = re.compile(r"(?i)(?:sha1|sha256|sha384|sha512|md5)[:-]")
_MIN_RANDOM_ENTROPY = 4.0  # random base62/base64 strings of 32+ characters are above 4.2 bits 99% of the time
_MIN_CLASS_CHANGES = 0.4  # random base62 switches letter case/digit at ~62% of positions; words far less
_PRINTABLE = frozenset(range(32, 127)) | {9, 10, 13}


def _b64decode(text: str, *, urlsafe: bool = False) -> bytes | None:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(padded) if urlsafe else base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None


def _is_base64_of_text(value: str) -> bool:
    """Base64 of ordinary text (a config, a sentence) rather than of random key material."""
    decoded = _b64decode(value, urlsafe="-" in value or "_" in value)
    if not decoded or len(decoded) < 16:
        return False
    if sum(byte in _PRINTABLE for byte in decoded) / len(decoded) < 0.95:
        return False
    text = decoded.decode("ascii", errors="replace").strip()
    return not _looks_random(text)  # base64 of a random key is still a key (Kubernetes data is often so)


def _class_change_rate(text: str) -> float:
    def kind(char: str) -> int:
        return 0 if char.islower() else 1 if char.isupper() else 2 if char.isdigit() else 3

    kinds = [kind(c) for c in text]
    return sum(a != b for a, b in itertools.pairwise(kinds)) / max(len(kinds) - 1, 1)


def _looks_random(value: str) -> bool:
    if not _RANDOM_TOKEN.fullmatch(value) or _HEX_OR_UUID.fullmatch(value) or _DIGEST_PREFIX.match(value):
        return False
    if not _has_upper_lower_digit(value) or _is_not_a_literal(value):
        return False
    if shannon_entropy(value) < _MIN_RANDOM_ENTROPY or _class_change_rate(value) < _MIN_CLASS_CHANGES:
        return False
    return not _is_base64_of_text(value)


# ---------------------------------------------------------------------------------------------
# The judgement
# ---------------------------------------------------------------------------------------------


def _shown(name: str) -> str:
    return name if len(name) <= _SHOWN_NAME else name[: _SHOWN_NAME - 3] + "..."


def judge_secret(name: str | None, value: str | None) -> SecretVerdict | None:
    """Whether `name: value` writes a secret in plain text, and how sure we are; None when it does not."""
    if not isinstance(value, str):
        return None
    text = value[:MAX_TEXT]
    stripped = text.strip()
    if not stripped:
        return None
    reason = _known_format_reason(text)
    if reason is not None:
        return SecretVerdict(reason, HIGH)
    name = "" if name is None else str(name)[:MAX_NAME]
    info = _analyse_name(name)
    if info.holds is not None:
        if not _is_deployable_literal(stripped, info):
            return None
        return SecretVerdict(f'the name "{_shown(name)}" says it {info.holds}', MEDIUM)
    reason = _inner_secret_reason(text)
    if reason is not None:
        return SecretVerdict(reason, MEDIUM)
    if not info.is_identifier and _looks_random(_unquote(stripped)):
        return SecretVerdict("the value is a long random-looking string", LOW)
    return None
