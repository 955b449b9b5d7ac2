"""Heroku Postgres log lines: `[DATABASE] [N-M] sql_error_code = CODE ... SEVERITY:  text`, and SQLSTATE names.

Heroku Postgres writes each server message as `[COLOR] [N-M]`: N numbers the message, M its
part (a long or multi-line message continues in parts 2, 3, ...). `sql_error_code = 00000` means
success, whatever words follow; a message is an error when its SQLSTATE class is not a success,
warning or no-data class (00, 01, 02), or when its severity is ERROR, FATAL or PANIC.
"""

from __future__ import annotations

import re
from typing import Any

_LINE = re.compile(r"^\[(?P<db>[A-Z][A-Z0-9_]*)\] \[(?P<n>\d+)-(?P<m>\d+)\] ?(?P<rest>.*)$", re.S)
_CODE = re.compile(r"\bsql_error_code = (?P<code>[0-9A-Z]{5})\b")
# The severity word ends Postgres's log_line_prefix; quoted prefix values are skipped over.
_SEVERITY = re.compile(
    r'^(?:[^"]|"[^"]*")*?\b(?P<sev>DEBUG[1-5]?|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|'
    r"STATEMENT|CONTEXT|QUERY|LOCATION):\s+(?P<text>.*)$",
    re.S,
)
ERROR_SEVERITIES = frozenset({"ERROR", "FATAL", "PANIC"})
NOT_ERROR_CLASSES = frozenset({"00", "01", "02"})  # success, warning, no data

#: SQLSTATE → condition name (PostgreSQL's errcodes table, the codes apps meet most).
SQLSTATE: dict[str, str] = {
    "00000": "successful_completion",
    "01000": "warning",
    "02000": "no_data",
    "08000": "connection_exception",
    "08003": "connection_does_not_exist",
    "08006": "connection_failure",
    "08P01": "protocol_violation",
    "0A000": "feature_not_supported",
    "21000": "cardinality_violation",
    "22001": "string_data_right_truncation",
    "22003": "numeric_value_out_of_range",
    "22007": "invalid_datetime_format",
    "22008": "datetime_field_overflow",
    "22012": "division_by_zero",
    "22023": "invalid_parameter_value",
    "22P02": "invalid_text_representation",
    "23000": "integrity_constraint_violation",
    "23502": "not_null_violation",
    "23503": "foreign_key_violation",
    "23505": "unique_violation",
    "23514": "check_violation",
    "23P01": "exclusion_violation",
    "25001": "active_sql_transaction",
    "25006": "read_only_sql_transaction",
    "25P02": "in_failed_sql_transaction",
    "28000": "invalid_authorization_specification",
    "28P01": "invalid_password",
    "3D000": "invalid_catalog_name",
    "40001": "serialization_failure",
    "40P01": "deadlock_detected",
    "42501": "insufficient_privilege",
    "42601": "syntax_error",
    "42703": "undefined_column",
    "42710": "duplicate_object",
    "42883": "undefined_function",
    "42P01": "undefined_table",
    "42P07": "duplicate_table",
    "53100": "disk_full",
    "53200": "out_of_memory",
    "53300": "too_many_connections",
    "54000": "program_limit_exceeded",
    "55P03": "lock_not_available",
    "57014": "query_canceled",
    "57P01": "admin_shutdown",
    "57P02": "crash_shutdown",
    "57P03": "cannot_connect_now",
    "58030": "io_error",
    "XX000": "internal_error",
}
#: SQLSTATE class (first two characters) → class name, for codes not in SQLSTATE.
CLASSES: dict[str, str] = {
    "00": "successful_completion",
    "01": "warning",
    "02": "no_data",
    "08": "connection_exception",
    "0A": "feature_not_supported",
    "21": "cardinality_violation",
    "22": "data_exception",
    "23": "integrity_constraint_violation",
    "25": "invalid_transaction_state",
    "28": "invalid_authorization_specification",
    "3D": "invalid_catalog_name",
    "40": "transaction_rollback",
    "42": "syntax_error_or_access_rule_violation",
    "53": "insufficient_resources",
    "54": "program_limit_exceeded",
    "55": "object_not_in_prerequisite_state",
    "57": "operator_intervention",
    "58": "system_error",
    "P0": "plpgsql_error",
    "XX": "internal_error",
}


def sqlstate_name(code: str) -> str:
    """`23505` → `unique_violation`; an unlisted code gets its class's name (`23xyz` → integrity_...)."""
    return SQLSTATE.get(code) or CLASSES.get(code[:2], "unknown")


def parse(message: str) -> dict[str, Any] | None:
    """The Postgres fields of an app line's message, or None when it is not `[COLOR] [N-M] ...`.

    Returns {"database", "message_no", "part", "sql_error_code" (or None), "severity" (or None),
    "text", "error" (bool)}.
    """
    if not message.startswith("[") or "] [" not in message[:60]:
        return None
    m = _LINE.match(message)
    if m is None:
        return None
    rest = m["rest"]
    cm = _CODE.search(rest)
    code = cm["code"] if cm else None
    sm = _SEVERITY.match(rest)
    severity = sm["sev"] if sm else None
    text = sm["text"].strip() if sm else rest.strip()
    return {
        "database": m["db"],
        "message_no": int(m["n"]),
        "part": int(m["m"]),
        "sql_error_code": code,
        "severity": severity,
        "text": text,
        "error": is_error(code, severity),
    }


def is_error(code: str | None, severity: str | None) -> bool:
    """An error: a SQLSTATE outside classes 00/01/02, or an ERROR/FATAL/PANIC severity."""
    if severity in ERROR_SEVERITIES:
        return True
    return code is not None and code[:2] not in NOT_ERROR_CLASSES
