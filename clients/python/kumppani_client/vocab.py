"""Reading replies in their one vocabulary (issue 19): every time is an
int64 of microseconds since the epoch, UTC (fields named *_at, *_at_us);
every date a 'YYYY-MM-DD' string ("" when none); every state, reason and
kind an enum (the *_enum twins beside the deprecated text fields that
older services filled). These turn them into Python values."""
import datetime

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def to_datetime(micros):
    """A reply's microseconds as an aware UTC datetime; None for 0 (not set)."""
    if not micros:
        return None
    return _EPOCH + datetime.timedelta(microseconds=micros)


def to_date(text):
    """A reply's 'YYYY-MM-DD' as a date; None for ""."""
    return datetime.date.fromisoformat(text) if text else None


def enum_code(enum_type, value):
    """An enum value's short code, as the database and the text fields say
    it: CASE_STATE_PLAN_MADE -> 'plan_made'; "" for UNSPECIFIED (0).
    enum_type is the generated wrapper, e.g. intake_pb2.CaseState."""
    if not value:
        return ""
    name = enum_type.Name(value)
    prefix = enum_type.Name(0)[:-len("UNSPECIFIED")]
    return name[len(prefix):].lower()
