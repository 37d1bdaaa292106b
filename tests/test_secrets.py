"""kubelint.secrets: which literal (name, value) pairs are plain-text secrets, and how sure we are.

Every token below is fake and assembled at run time from a prefix and generated characters, so that
no realistic credential is committed verbatim (and secret scanners have nothing to flag here).
"""

from __future__ import annotations

import base64
import json
import random
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubelint.secrets import (
    HIGH,
    LOW,
    MEDIUM,
    SecretVerdict,
    judge_secret,
    looks_like_secret_name,
    shannon_entropy,
)

UPPER_DIGITS = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits
BASE64 = ALNUM + "+/"
BASE64URL = ALNUM + "-_"
HEX = "0123456789abcdef"


def fake(alphabet: str, length: int, seed: int = 1) -> str:
    """Deterministic filler: the same made-up characters on every run."""
    rng = random.Random(f"{seed}:{alphabet}:{length}")
    return "".join(rng.choice(alphabet) for _ in range(length))


def b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def fake_jwt() -> str:
    header = b64url({"alg": "HS256", "typ": "JWT"})
    payload = b64url({"sub": "1234567890", "name": "Jane Doe", "iat": 1516239022})
    return f"{header}.{payload}.{fake(BASE64URL, 43)}"


def pem(label: str, body: str | None = None) -> str:
    if body is None:
        body = "\n".join(fake(BASE64, 64, seed) for seed in range(5)) + "\n" + fake(BASE64, 20) + "=="
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


AWS_KEY_ID = "AKIA" + fake(UPPER_DIGITS, 16)
RANDOM_40 = fake(ALNUM, 40, seed=7)
SLACK_WEBHOOK = "https://hooks.slack.com/services/" + "/".join(
    ["T" + fake(UPPER_DIGITS, 8), "B" + fake(UPPER_DIGITS, 9), fake(ALNUM, 24)]
)
AZURE_STORAGE = ";".join(
    [
        "DefaultEndpointsProtocol=https",
        "AccountName=acct",
        "AccountKey=" + fake(BASE64, 86) + "==",
        "EndpointSuffix=core.windows.net",
    ]
)
AZURE_SERVICE_BUS = ";".join(
    [
        "Endpoint=sb://bus.example.net/",
        "SharedAccessKeyName=root",
        "SharedAccessKey=" + fake(BASE64, 43) + "=",
    ]
)

Case = tuple[str | None, str | None]

HIGH_CASES: list[Case] = [
    # cloud and SaaS tokens, whatever the name
    ("SOME_SETTING", AWS_KEY_ID),
    ("AWS_ACCESS_KEY_ID", "ASIA" + fake(UPPER_DIGITS, 16, seed=2)),
    ("AWS_ACCESS_KEY_ID", "AKIA" + "Q" * 16),
    ("GITHUB_TOKEN_FILE", "ghp_" + "a1B2" * 9),
    ("GH", "gho_" + fake(ALNUM, 36)),
    ("GH", "ghu_" + fake(ALNUM, 36)),
    ("GH", "ghs_" + fake(ALNUM, 36)),
    ("GH", "ghr_" + fake(ALNUM, 36)),
    ("GH", "github_pat_" + fake(ALNUM, 22) + "_" + fake(ALNUM, 59)),
    ("CI", "glpat-" + fake(BASE64URL, 20)),
    ("SLACK", "xoxb-" + fake(string.digits, 11) + "-" + fake(string.digits, 12) + "-" + fake(ALNUM, 24)),
    ("SLACK", "xoxp-" + "-".join(fake(string.digits, 11, s) for s in range(3)) + "-" + fake(HEX, 32)),
    ("SLACK", "xoxa-2-" + fake(string.digits, 11) + "-" + fake(ALNUM, 40)),
    ("SLACK", "xoxr-" + fake(string.digits, 11) + "-" + fake(ALNUM, 40)),
    ("NOTIFY", SLACK_WEBHOOK),
    ("PAYMENTS", "sk_live_" + fake(ALNUM, 24)),
    ("PAYMENTS", "rk_live_" + fake(ALNUM, 24)),
    ("PAYMENTS", "sk_test_" + fake(ALNUM, 24)),
    ("MAPS", "AIza" + fake(BASE64URL, 35)),
    ("LLM", "sk-" + fake(ALNUM, 48)),
    ("LLM", "sk-proj-" + fake(BASE64URL, 64)),
    ("NPMRC", "npm_" + fake(ALNUM, 36)),
    ("TWINE", "pypi-AgEIcHlwaS5vcmc" + fake(BASE64URL, 80)),
    ("MAIL", "SG." + fake(BASE64URL, 22) + "." + fake(BASE64URL, 43)),
    ("SMS", "SK" + fake(HEX, 32)),
    ("HF", "hf_" + fake(string.ascii_letters, 34)),
    ("DOCKER", "dckr_pat_" + fake(BASE64URL, 27)),
    ("DO", "dop_v1_" + fake(HEX, 64)),
    ("VAULT", "hvs." + fake(BASE64URL, 90)),
    ("SHOP", "shpat_" + fake(HEX, 32)),
    ("SOPS", "AGE-SECRET-KEY-1" + fake(UPPER_DIGITS, 58)),
    ("SESSION", fake_jwt()),
    ("NOTE", "use the token " + fake_jwt() + "."),
    ("kubeconfig", "users:\n- name: ci\n  user:\n    token: " + fake_jwt() + "\n"),
    # private keys
    ("tls.key", pem("PRIVATE KEY")),
    ("key", pem("RSA PRIVATE KEY")),
    ("key", pem("EC PRIVATE KEY")),
    ("id_ed25519", pem("OPENSSH PRIVATE KEY")),
    ("key", pem("ENCRYPTED PRIVATE KEY")),
    ("signing.asc", pem("PGP PRIVATE KEY BLOCK", "Version: test\n\n" + fake(BASE64, 64))),
    ("sa.json", json.dumps({"type": "service_account", "private_key": pem("PRIVATE KEY")})),
    # passwords inside URLs and connection strings
    ("DATABASE_URL", "postgres://app:s3cr3t@db:5432/app"),
    ("REDIS_URL", "redis://:hunter2@redis:6379/0"),
    ("MONGO", "mongodb+srv://reader:p4ss-w0rd@cluster0.example.net/db?retryWrites=true"),
    ("BROKER", "amqp://guest:guest@rabbitmq:5672/"),
    ("JDBC", "jdbc:mysql://root:admin@mysql:3306/shop"),
    ("config.yaml", "storage:\n  dsn: postgres://user:pw123@db/app\n"),
    ("STORAGE", AZURE_STORAGE),
    ("BUS", AZURE_SERVICE_BUS),
    ("SQL", "Server=db;Database=shop;User Id=sa;Password=Pa55word!;"),
    ("HEADERS", "Authorization: Basic " + base64.b64encode(b"admin:hunter2").decode()),
]

MEDIUM_CASES: list[Case] = [
    # the motivating example: short, low entropy, but the name says it is a password
    ("DB_PASSWORD", "hunter2"),
    ("mysqlRootPassword", "s3cr3t"),
    ("MYSQL_ROOT_PASSWORD", "changeme"),  # weak, but deployed as written: a real credential
    ("POSTGRES_PASSWORD", "password"),
    ("RABBITMQ_DEFAULT_PASS", "guest"),
    ("DB_PASSWD", "x9!k"),
    ("MYSQL_PWD", "root"),
    ("DBPASSWORD", "hunter2"),
    ("db-password", "hunter2"),
    ("spring.datasource.password", "admin"),
    ("DB_PASSWORD", '"hunter2"'),  # Dockerfile ENV keeps the quotes
    ("SSH_PASSPHRASE", "correct horse battery staple"),
    ("JWT_SECRET", "my jwt secret"),
    ("CLIENT_SECRET", "abc123"),
    ("OAUTH2_PROXY_COOKIE_SECRET", "SECRET"),
    ("clientSecret", "c2VjcmV0"),
    ("GITHUB_TOKEN", "not-a-real-token"),
    ("AUTH_TOKEN", "t0k3n"),
    ("accessToken", "abc.def"),
    ("API_KEY", "12345abcde"),
    ("apiKey", "k3y"),
    ("APIKEY", "k3y"),
    ("ACCESS_KEY", "8312341g-5678-abcd"),
    ("MINIO_SECRET_KEY", "minio123"),
    ("AWS_SECRET_ACCESS_KEY", fake(BASE64, 40)),
    ("PRIVATE_KEY", "abc"),
    ("ssh-privatekey", "not-really-a-key"),
    ("CREDENTIALS", "user:pass"),
    ("GOOGLE_CREDENTIALS", '{\n  "type": "service_account",\n  "client_email": "x@y"\n}'),
    ("BASIC_AUTH", "admin:admin"),
    ("REDIS_AUTH", "pw"),
    ("MASTER_KEY", "m4ster"),
    ("ENCRYPTION_KEY", "0123456789abcdef"),
    ("SIGNING_KEY", "sign-me"),
    ("DJANGO_SECRET_KEY", "django-insecure-abc"),
    ("APP_KEY", "base64:abcdefgh"),
    ("DB_PWD", "hunter2"),
    ("PASSWORD_2", "second"),
    ("PASSWORD", "password123"),
    ("DB_PASSWORD", "ADMIN_PW_2024"),  # upper case, but not a sed target naming the variable
    # secrets set inside a value: properties, YAML, JSON, -D flags, query strings
    ("application.properties", "spring.datasource.url=jdbc:mysql://db/\nspring.datasource.password=admin\n"),
    ("settings.yaml", "smtp:\n  host: mail\n  password: 'Tr0ub4dor&3'\n"),
    ("config.json", '{"db": {"host": "db", "password": "hunter2"}}'),
    ("JAVA_TOOL_OPTIONS", "-Xmx1g -Djavax.net.ssl.trustStorePassword=changeit"),
    ("ARGS", "--verbose --db-password=hunter2"),
    ("WEBHOOK_URL", "https://hooks.example.com/notify?channel=ops&token=abc123def"),
    (".env", "export API_TOKEN=abc123\nDEBUG=1\n"),
]

LOW_CASES: list[Case] = [
    ("SOME_SETTING", RANDOM_40),
    (None, fake(BASE64, 48, seed=3)),
    ("EXTRA_ARG", fake(BASE64URL, 64, seed=4)),
    ("key", base64.b64encode(fake(BASE64, 40, seed=5).encode()).decode()),  # base64 of a key is a key
]

NOT_SECRET_CASES: list[Case] = [
    # names that say where a secret is, or configure one, rather than holding it
    ("DB_PASSWORD_FILE", "/run/secrets/db"),
    ("PASSWORD_PATH", "hunter2"),
    ("SECRETS_DIR", "secrets"),
    ("SECRET_NAME", "app-db"),
    ("WEBHOOK_SECRET_NAME", "webhook-certs"),
    ("TOKEN_REF", "gh-token"),
    ("SECRET_KEY_REF", "db-pass"),
    ("DB_PASSWORD_KEY", "password"),
    ("AWS_ACCESS_KEY_ID", "key"),
    ("ACCESS_KEY_ID", "minio"),
    ("TOKEN_URL", "https://auth.example.com/token"),
    ("OIDC_TOKEN_ENDPOINT", "https://auth.example.com/token"),
    ("SECRET_HOST", "vault"),
    ("TOKEN_TTL", "1h"),
    ("TOKEN_TIMEOUT", "thirty"),
    ("TOKEN_EXPIRY", "never"),
    ("PASSWORD_MIN_LENGTH", "twelve"),
    ("MAX_TOKEN_SIZE", "large"),
    ("PASSWORD_AUTH_ENABLED", "always"),
    ("PASSWORD_REQUIRED", "always"),
    ("PASSWORD_POLICY", "strict"),
    ("TOKEN_TYPE", "Bearer"),
    ("PASSWORD_MODE", "plain"),
    ("AUTH_HEADER", "X-Auth"),
    ("SECRET_FIELD", "password"),
    ("TOKEN_PARAM", "access_token"),
    ("COOKIE_NAME", "session"),
    ("TOKEN_AUDIENCE", "api://default"),
    ("TOKEN_ISSUER", "issuer"),
    ("AUTH_METHOD", "password"),
    ("BIZFLYCLOUD_AUTH_METHOD", "password"),
    ("POSTGRES_HOST_AUTH_METHOD", "trust"),
    ("GF_AUTH_ANONYMOUS_ORG_ROLE", "Admin"),
    ("SECRET_PROVIDER", "vault"),
    ("PASSWORD_HASH", "$2b$12$" + fake(ALNUM, 53)),
    ("PUBLIC_KEY", "ssh-ed25519 " + fake(BASE64, 68)),
    ("STRIPE_PUBLISHABLE_KEY", "pk_live_" + fake(ALNUM, 24)),
    ("GPG_KEY", "A035C8C19219BA821ECEA86B64E628F8D684696D"),
    ("ETCD_INITIAL_CLUSTER_TOKEN", "etcd-cluster-1"),
    ("PWD", "/app"),
    ("PWD", "hunter2"),  # PWD alone is the shell's working directory
    ("TLS_SECRET", "webhook-certs"),
    ("DB_SECRET", "db-credentials"),
    ("EXISTING_SECRET", "postgres"),
    ("existingSecret", "postgres"),
    ("AUTH", "ldap"),
    ("KAFKA_SASL_AUTH", "plain"),
    ("SENTRY_DSN", "https://" + fake(HEX, 32) + "@o123.ingest.sentry.io/456"),
    ("nginx.ingress.kubernetes.io/auth-tls-secret", "default/ca-secret"),
    # values that are empty, booleans, numbers
    ("DB_PASSWORD", ""),
    ("DB_PASSWORD", "   "),
    ("DB_PASSWORD", None),
    ("GITHUB_TOKEN", '""'),
    ("NPM_TOKEN", "''"),
    ("MYSQL_RANDOM_ROOT_PASSWORD", "yes"),
    ("MYSQL_ALLOW_EMPTY_PASSWORD", "1"),
    ("TOKEN", "true"),
    ("TOKEN", "3600"),
    ("TOKEN", "10s"),
    ("PASSWORD", "none"),
    # references and templates, filled in later
    ("DB_PASSWORD", "$(DB_PASSWORD)"),
    ("DB_PASSWORD", "${DB_PASSWORD}"),
    ("DB_PASSWORD", "$DB_PASSWORD"),
    ("DB_PASSWORD", "{{ .Values.db.password }}"),
    ("DB_PASSWORD", "{{ .Values.db.password | b64enc }}"),
    ("DB_PASSWORD", "pre-${SUFFIX}"),
    ("DB_PASSWORD", "#{dbPassword}"),
    ("DB_PASSWORD", "@db.password@"),
    ("DB_PASSWORD", "__DB_PASSWORD__"),
    ("DB_PASSWORD", "<password>"),
    ("API_TOKEN", "<your-token>"),
    ("OAUTH_CLIENT_SECRET", "<Client Secret>"),
    ("DB_PASSWORD", "*****"),
    ("BIZFLYCLOUD_PASSWORD", "xxxxxxxxxxxxxxxxx"),
    ("DB_PASSWORD", "REPLACE_ME"),
    ("DB_PASSWORD", "your-password-here"),
    ("MYSQL_ROOT_PASSWORD", "yourpassword"),
    ("MYSQL_ROOT_PASSWORD", "some-password-here"),
    ("ETCD_DISCOVERY_TOKEN", "INSERT_ETCD_DISCOVERY_TOKEN"),
    ("GOOGLE_API_KEY", "GOOGLE_API_KEY_VAL"),
    ("PASSWORD", "PASSWORD"),
    ("DB_PASSWORD", "TODO"),
    ("DB_PASSWORD", "ENC(" + fake(BASE64, 24) + ")"),
    ("DB_PASSWORD", "arn:aws:secretsmanager:us-east-1:123456789012:secret:db"),
    ("DB_PASSWORD", "projects/shop/secrets/db/versions/latest"),
    ("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db:5432/app"),
    ("DATABASE_URL", "postgres://app:$(DB_PASSWORD)@db:5432/app"),
    ("DATABASE_URL", "postgres://app:****@db:5432/app"),
    ("DATABASE_URL", "postgres://app:%s@db:5432/app"),
    ("DATABASE_URL", "postgres://app:<password>@db:5432/app"),
    ("config.yaml", "password: ${PASSWORD}\npasswordFile: /etc/pw\nuserNameSecret:\n  key: username\n"),
    ("objects", '- objectName: "db-password"\n  secretPath: "secret/data/db"\n  secretKey: "password"\n'),
    ("key.pem", pem("PRIVATE KEY", "<paste your key here>")),
    # paths and URLs without credentials
    ("DB_PASSWORD", "/etc/secrets/db"),
    ("TOKEN", "/run/secrets/x"),
    ("PRIVATE_KEY", "./key.pem"),
    ("PRIVATE_KEY", "key.pem"),
    ("GOOGLE_APPLICATION_CREDENTIALS", "/var/secrets/google/key.json"),
    ("VAULT_TOKEN", "https://vault.example.com"),
    ("ORDER_DB_URI", "mongodb://documentdb:10260/?tls=true&tlsAllowInvalidCertificates=true"),
    ("ENDPOINT", "http://user@host:8080/path"),
    ("ENDPOINT", "https://example.com:8443/path@v2"),
    # ordinary configuration, including long and random-looking values
    ("PORT", "8080"),
    ("IMAGE", "registry.example.com/shop/web@sha256:" + fake(HEX, 64)),
    ("IMAGE_DIGEST", "sha256:" + fake(HEX, 64)),
    ("BUILD_ID", "3f6c1f0e-8a9b-4c1d-9e2f-7a6b5c4d3e2f"),
    ("GIT_COMMIT", fake(HEX, 40)),
    ("PYTHON_SHA256", fake(HEX, 64)),
    ("SENTINEL_ID_0", fake(HEX, 40)),
    ("TWILIO_ACCOUNT_SID", "AC" + fake(HEX, 32)),
    ("REQUEST_ID", RANDOM_40),
    ("JAVA_OPTS", "-Xms64m -Xmx128m -XX:+UseG1GC -Djava.security.egd=file:/dev/urandom"),
    ("VERSION", "1.2.3-rc.1+build.5"),
    ("HOSTS", ",".join(f"node-{i}.cassandra.default.svc.cluster.local" for i in range(8))),
    ("SEED_PROVIDER", "io.k8s.cassandra.KubernetesSeedProvider"),
    ("zap-logger-config", '{\n  "level": "info",\n  "development": false\n}'),
    ("GREETING", base64.b64encode(b"this is only a plain sentence of ordinary text").decode()),
    ("CA_BUNDLE", base64.b64encode(pem("CERTIFICATE").encode()).decode()[:200]),
    ("tls.crt", pem("CERTIFICATE")),
    ("key.pub", pem("PUBLIC KEY")),
    ("LONG_NAME", "config-leader-election-controller-webhook-resolvers"),
    ("LD_LIBRARY_PATH", "/usr/local/nvidia/lib64:/usr/local/cuda/lib64"),
    ("SCRIPT", '#!/bin/sh\nHOSTNAME="$(cat /proc/sys/kernel/hostname)"\nredis-cli -a "${AUTH}" ping\n'),
    ("LLM", "sk-learn-is-a-python-library-for-machine-learning"),
    ("NOT_AWS", "XAKIA" + fake(UPPER_DIGITS, 16) + "Z"),
    ("AWS_KEY", "AKIA" + "IOSFODNN7" + "EXAMPLE"),  # the example from AWS's own documentation
]


@pytest.mark.parametrize(("name", "value"), HIGH_CASES)
def test_known_credential_formats_are_high(name: str | None, value: str | None) -> None:
    verdict = judge_secret(name, value)
    assert verdict is not None and verdict.confidence == HIGH, verdict


@pytest.mark.parametrize(("name", "value"), MEDIUM_CASES)
def test_secret_names_with_literal_values_are_medium(name: str | None, value: str | None) -> None:
    verdict = judge_secret(name, value)
    assert verdict is not None and verdict.confidence == MEDIUM, verdict


@pytest.mark.parametrize(("name", "value"), LOW_CASES)
def test_random_values_under_neutral_names_are_low(name: str | None, value: str | None) -> None:
    verdict = judge_secret(name, value)
    assert verdict is not None and verdict.confidence == LOW, verdict


@pytest.mark.parametrize(("name", "value"), NOT_SECRET_CASES)
def test_not_secrets(name: str | None, value: str | None) -> None:
    assert judge_secret(name, value) is None


@pytest.mark.parametrize(("name", "value"), HIGH_CASES + MEDIUM_CASES + LOW_CASES)
def test_the_reason_never_repeats_the_secret(name: str | None, value: str | None) -> None:
    verdict = judge_secret(name, value)
    assert verdict is not None and value is not None
    secret_part = value.strip('"').rsplit("=", 1)[-1].rsplit(":", 1)[-1]
    if len(secret_part) >= 6 and not secret_part.isalpha():  # plain words may be the kind: "a password"
        assert secret_part not in verdict.reason


def test_reasons_say_why() -> None:
    assert judge_secret("DB_PASSWORD", "hunter2") == SecretVerdict(
        'the name "DB_PASSWORD" says it is a password', MEDIUM
    )
    assert judge_secret("X", AWS_KEY_ID) == SecretVerdict("the value looks like an AWS access key id", HIGH)
    api_key = SecretVerdict('the name "API_KEY" says it is an API key', MEDIUM)
    assert judge_secret("API_KEY", "abc123") == api_key
    secret_access_key = 'the name "AWS_SECRET_ACCESS_KEY" says it is a secret access key'
    assert judge_secret("AWS_SECRET_ACCESS_KEY", "abc123") == SecretVerdict(secret_access_key, MEDIUM)
    tls_key = judge_secret("TLS_KEY", "abc123")
    assert tls_key is not None and tls_key.reason.endswith("is a TLS key")
    verdict = judge_secret("application.properties", "spring.datasource.password=admin\n")
    assert verdict is not None and '"spring.datasource.password"' in verdict.reason


def test_a_known_format_wins_over_a_descriptive_name() -> None:
    verdict = judge_secret("AWS_ACCESS_KEY_ID", AWS_KEY_ID)
    assert verdict is not None and verdict.confidence == HIGH


def test_three_base64_parts_without_a_jose_header_are_not_a_jwt() -> None:
    value = b64url({"foo": "bar", "baz": 1}) + "." + b64url({"a": 1, "b": 2}) + "." + fake(BASE64URL, 20)
    verdict = judge_secret("NOT_JWT", value)
    assert verdict is None or verdict.confidence == LOW


def test_only_the_first_4_kib_are_examined() -> None:
    assert judge_secret("X", " " * 5000 + AWS_KEY_ID) is None
    verdict = judge_secret("X", " " * 4000 + AWS_KEY_ID)
    assert verdict is not None and verdict.confidence == HIGH


def test_none_name_is_judged_by_value_alone() -> None:
    assert judge_secret(None, "hunter2") is None
    verdict = judge_secret(None, "ghp_" + fake(ALNUM, 36))
    assert verdict is not None and verdict.confidence == HIGH


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DB_PASSWORD", True),
        ("mysqlRootPassword", True),
        ("DBPassword", True),
        ("db.password", True),
        ("AWS_SECRET_ACCESS_KEY", True),
        ("X-Api-Key", True),
        ("BASIC_AUTH", True),
        ("client_secret", True),
        ("azurestorageaccountkey", True),
        ("openapi", False),
        ("OLD_PWD", True),
        ("PWD", False),
        ("DB_PASSWORD_FILE", False),
        ("SECRET_NAME", False),
        ("AWS_ACCESS_KEY_ID", False),
        ("TOKEN_AUDIENCE", False),
        ("AUTH_TYPE", False),
        ("CACHE_KEY", False),
        ("PASSTHROUGH", False),
        ("BYPASS_CACHE", False),
        ("MAX_TOKENS", False),
        ("PASSWORD_HASH", False),
        ("", False),
    ],
)
def test_looks_like_secret_name(name: str, expected: bool) -> None:
    assert looks_like_secret_name(name) is expected


def test_shannon_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("ab") == pytest.approx(1.0)
    assert shannon_entropy("abcd") == pytest.approx(2.0)
    assert shannon_entropy(fake(BASE64, 64)) > 4.5


@given(st.one_of(st.none(), st.text(max_size=200)), st.one_of(st.none(), st.text(max_size=2000)))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_never_raises(name: str | None, value: str | None) -> None:
    verdict = judge_secret(name, value)
    assert verdict is None or verdict.confidence in (HIGH, MEDIUM, LOW)


@given(st.text(min_size=1, max_size=40), st.text(max_size=30))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_huge_values_are_judged(chunk: str, name: str) -> None:
    value = chunk * (100_000 // len(chunk) + 1)
    verdict = judge_secret(name, value)
    assert verdict is None or verdict.confidence in (HIGH, MEDIUM, LOW)


@pytest.mark.parametrize(
    "chunk",
    [
        "eyJ",
        "eyJhbGciOi.",
        "AKIA",
        "x://a:",
        "a:",
        "-----BEGIN PRIVATE KEY-----",
        "password=",
        "password: x\n",
        " -Dpassword=",
        "?token=a&",
        ";Password=",
        "Authorization: Basic ",
        "sk-",
        "<",
        "${",
        "/a",
        "\n",
    ],
)
def test_adversarial_repetitions_are_judged(chunk: str) -> None:
    # A backtracking pattern never finishes on these; pytest-timeout stops it.
    value = chunk * (100_000 // len(chunk) + 1)
    for name in ("DB_PASSWORD", "X", None):
        verdict = judge_secret(name, value)
        assert verdict is None or verdict.confidence in (HIGH, MEDIUM, LOW), (chunk, name)
