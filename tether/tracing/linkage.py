"""Probabilistic record linkage with Splink: the register's records against a partner's extract.

This module knows nothing of Django: it takes two lists of plain records (``Record``: names, date of birth,
identifiers, one address) and returns scored pairs, each with a plain-English explanation of how every field
compared and what that added to or took from the match weight (Splink's waterfall, as rows).

- Link-only (never within one side) or dedupe-only (within one table: the register against itself, pairs of
  rows of one ``group_id`` never compared), on DuckDB in process.
- Blocking rules chosen for recall: date of birth + an initial or the postcode district, phonetic surname + year
  and month (or year and initial) of birth, NI number, postcode + initial, full name, family or given name +
  postcode district.
- Comparisons: names with nickname and swapped-name levels, dates of birth with a day/month swap level,
  NI numbers with a one-typo level, postcodes with sector, one-typo and district levels, address line and town; term
  frequency adjustments on names, NI numbers and postcodes.
- Parameters: u from random sampling (seeded), m by expectation maximisation on the data, the prior from
  deterministic rules; or a saved model (``settings``) used as it is. Every level carries a sensible starting
  m and u, so a model from too little data to train still ranks sensibly (the result says which).
"""

from __future__ import annotations

import functools
import logging
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypedDict, Unpack

import jellyfish

MODEL_VERSION = "tether-linkage-1"
MIN_TO_TRAIN = 200  # records on the smaller side below which the starting parameters are used as they are
DEFAULT_THRESHOLD = 0.5
CANDIDATE_FLOOR = 0.01  # pairs scored below this are not returned at all

FIELDS = ("unique_id", "given_name", "surname", "dob", "ni", "pnc", "address", "town", "postcode")

# Common English nicknames and short forms -> one canonical given name (both sides are mapped the same way).
NICKNAMES = {
    "bill": "william", "billy": "william", "will": "william", "willy": "william", "liam": "william",
    "bob": "robert", "bobby": "robert", "rob": "robert", "robbie": "robert", "bert": "robert",
    "dick": "richard", "rick": "richard", "ricky": "richard", "rich": "richard", "richie": "richard",
    "jim": "james", "jimmy": "james", "jamie": "james", "jack": "john", "johnny": "john", "jon": "john",
    "mike": "michael", "mick": "michael", "mickey": "michael", "micky": "michael",
    "dave": "david", "davy": "david", "steve": "stephen", "steven": "stephen", "stevie": "stephen",
    "tom": "thomas", "tommy": "thomas", "chris": "christopher", "kit": "christopher",
    "tony": "anthony", "ant": "anthony", "andy": "andrew", "drew": "andrew", "pete": "peter",
    "joe": "joseph", "joey": "joseph", "ted": "edward", "eddie": "edward", "ed": "edward", "ned": "edward",
    "sam": "samuel", "danny": "daniel", "dan": "daniel", "matt": "matthew", "nick": "nicholas",
    "alex": "alexander", "sandy": "alexander", "ben": "benjamin", "charlie": "charles", "chas": "charles",
    "fred": "frederick", "freddie": "frederick", "harry": "henry", "hal": "henry", "larry": "lawrence",
    "les": "leslie", "ron": "ronald", "ronnie": "ronald", "terry": "terence", "tim": "timothy",
    "wally": "walter", "gerry": "gerald", "jerry": "gerald", "greg": "gregory", "phil": "philip",
    "kate": "katherine", "katie": "katherine", "kathy": "katherine", "cathy": "katherine",
    "catherine": "katherine", "kathryn": "katherine", "liz": "elizabeth", "lizzie": "elizabeth",
    "beth": "elizabeth", "betty": "elizabeth", "eliza": "elizabeth", "maggie": "margaret", "meg": "margaret",
    "peggy": "margaret", "sue": "susan", "susie": "susan", "jenny": "jennifer", "jen": "jennifer",
    "debbie": "deborah", "deb": "deborah", "becky": "rebecca", "vicky": "victoria", "mandy": "amanda",
    "pat": "patricia", "patty": "patricia", "trish": "patricia", "sally": "sarah", "sara": "sarah",
    "annie": "ann", "anne": "ann", "nancy": "ann", "molly": "mary", "polly": "mary", "jo": "joanne",
    "di": "diana", "val": "valerie", "chrissie": "christine", "tina": "christina", "abby": "abigail",
}

_SPACE = re.compile(r"\s+")
_NOT_ALNUM = re.compile(r"[^A-Z0-9]")
_UK_INWARD = re.compile(r"^\d[A-Z]{2}$")
_NAME_PARTS = re.compile(r"[\s-]+")


@dataclass
class Pair:
    """One scored pair: the register row (left) and the extract row (right)."""

    left_id: str
    right_id: str
    probability: float
    match_weight: float
    explanation: list[dict[str, Any]]


@dataclass
class Result:
    pairs: list[Pair]
    model: dict[str, Any]  # the settings with trained parameters (save it to reuse it)
    trained: list[str] = field(default_factory=list)  # which estimation steps ran
    left_rows: int = 0
    right_rows: int = 0


# --- preparing records ---------------------------------------------------------------------------------------


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    return _clean_text(str(value))


@functools.lru_cache(maxsize=200_000)
def _clean_text(value: str) -> str | None:  # names and towns repeat: each distinct value is cleaned once
    text = _SPACE.sub(" ", value.strip().lower())
    return text or None


@functools.lru_cache(maxsize=200_000)
def _surname_keys(surname: str) -> tuple[str, str | None, str | None]:
    parts = [p for p in _NAME_PARTS.split(surname) if p]
    return jellyfish.metaphone(surname), (parts[0] if parts else None), (parts[-1] if parts else None)


def canonical_given(name: str | None) -> str | None:
    if not name:
        return None
    first = name.split(" ")[0]
    return NICKNAMES.get(first, first)


def postcode_parts(raw: Any) -> tuple[str | None, str | None, str | None]:
    """(postcode, sector, district): "SW1A 1AA" -> ("SW1A1AA", "SW1A1", "SW1A"). Other shapes (e.g. a 4-digit
    code) fall back to prefixes."""
    if raw in (None, ""):
        return None, None, None
    return _postcode_parts(str(raw))


@functools.lru_cache(maxsize=200_000)
def _postcode_parts(raw: str) -> tuple[str | None, str | None, str | None]:
    code = _NOT_ALNUM.sub("", str(raw).upper())
    if not code:
        return None, None, None
    if len(code) >= 5 and _UK_INWARD.match(code[-3:]):
        return code, code[:-2], code[:-3]
    return code, code[:3], code[:2]


def prepare(record: dict[str, Any]) -> dict[str, Any]:
    """A record with the derived columns the comparisons and blocking rules read."""
    given = _clean(record.get("given_name"))
    surname = _clean(record.get("surname"))
    dob = _clean(record.get("dob"))
    postcode, sector, district = postcode_parts(record.get("postcode"))
    surname_mp, surname_first, surname_last = _surname_keys(surname) if surname else (None, None, None)
    ni = _NOT_ALNUM.sub("", str(record.get("ni") or "").upper()) or None
    pnc = _NOT_ALNUM.sub("", str(record.get("pnc") or "").upper()) or None
    return {
        "unique_id": str(record["unique_id"]),
        "group_id": str(record.get("group_id") or record["unique_id"]),
        "given_name": given,
        "given_canon": canonical_given(given),
        "given_initial": given[0] if given else None,
        "surname": surname,
        "surname_initial": surname[0] if surname else None,
        "surname_mp": surname_mp,
        "surname_first": surname_first,
        "surname_last": surname_last,
        "dob": dob,
        "dob_year": dob[:4] if dob else None,
        "dob_ym": dob[:7] if dob else None,
        "ni": ni,
        "pnc": pnc,
        "address": _clean(record.get("address")),
        "town": _clean(record.get("town")),
        "postcode": postcode,
        "postcode_sector": sector,
        "postcode_district": district,
    }


COLUMNS = ("unique_id", "group_id", "given_name", "given_canon", "given_initial", "surname", "surname_initial",
           "surname_mp", "surname_first", "surname_last", "dob", "dob_year", "dob_ym",
           "ni", "pnc", "address", "town", "postcode", "postcode_sector", "postcode_district")


# --- the model -----------------------------------------------------------------------------------------------


def _null(col: str) -> dict[str, Any]:
    return {"sql_condition": f'"{col}_l" IS NULL OR "{col}_r" IS NULL', "label_for_charts": "Not held on one side",
            "is_null_level": True}


def _level(sql: str, label: str, m: float, u: float, tf: str | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label, "m_probability": m,
                             "u_probability": u}
    if tf:
        level.update(tf_adjustment_column=tf, tf_adjustment_weight=1.0)
    return level


def _else(m: float, u: float) -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": "Different", "m_probability": m, "u_probability": u}


def _jw(col: str, at: float) -> str:
    return f'jaro_winkler_similarity("{col}_l", "{col}_r") >= {at}'


def _jw2(left: str, right: str, at: float) -> str:
    return f'jaro_winkler_similarity("surname_{left}_l", "surname_{right}_r") >= {at}'


def comparisons(with_pnc: bool = False) -> list[dict[str, Any]]:
    out = [
        {"output_column_name": "given_name", "comparison_description": "Given name", "comparison_levels": [
            _null("given_name"),
            _level('"given_name_l" = "given_name_r"', "Same", 0.80, 0.01, tf="given_name"),
            _level('"given_canon_l" = "given_canon_r"', "Same name or its short form (nickname)", 0.05, 0.001),
            _level(_jw("given_name", 0.92), "Nearly the same (a typo)", 0.07, 0.003),
            _level(_jw("given_name", 0.80), "Similar", 0.03, 0.02),
            _else(0.05, 0.966),
        ]},
        {"output_column_name": "surname", "comparison_description": "Family name", "comparison_levels": [
            _null("surname"),
            _level('"surname_l" = "surname_r"', "Same", 0.80, 0.005, tf="surname"),
            _level('jaro_winkler_similarity("surname_l", "given_name_r") >= 0.88 AND '
                   'jaro_winkler_similarity("given_name_l", "surname_r") >= 0.88', "Given and family names swapped",
                   0.02, 0.0001),
            _level('("surname_first_l" <> "surname_last_l" OR "surname_first_r" <> "surname_last_r") AND ('
                   + " OR ".join(_jw2(a, b, 0.92) for a, b in (("first", "first"), ("last", "last"),
                                                              ("first", "last"), ("last", "first"))) + ")",
                   "One part of a double-barrelled name (an alias or married name)", 0.03, 0.001),
            _level(_jw("surname", 0.92), "Nearly the same (a typo)", 0.08, 0.002),
            _level(_jw("surname", 0.80), "Similar", 0.03, 0.02),
            _level('"surname_mp_l" = "surname_mp_r"', "Sounds the same", 0.02, 0.005),
            _else(0.05, 0.968),
        ]},
        {"output_column_name": "dob", "comparison_description": "Date of birth", "comparison_levels": [
            _null("dob"),
            _level('"dob_l" = "dob_r"', "Same", 0.85, 0.0003),
            _level('substr("dob_l", 1, 4) = substr("dob_r", 1, 4) AND substr("dob_l", 6, 2) = substr("dob_r", 9, 2) '
                   'AND substr("dob_l", 9, 2) = substr("dob_r", 6, 2)', "Day and month swapped", 0.03, 0.00003),
            _level('substr("dob_l", 6, 5) = substr("dob_r", 6, 5) AND abs(CAST(substr("dob_l", 1, 4) AS INTEGER) - '
                   'CAST(substr("dob_r", 1, 4) AS INTEGER)) = 1', "Same day and month, year one out", 0.03, 0.0001),
            _level('damerau_levenshtein("dob_l", "dob_r") <= 1', "One digit different or transposed", 0.07, 0.002),
            _level('damerau_levenshtein("dob_l", "dob_r") <= 2', "Two digits different", 0.03, 0.01),
            _level('substr("dob_l", 1, 7) = substr("dob_r", 1, 7)', "Same year and month", 0.02, 0.0025),
            _level('"dob_year_l" = "dob_year_r"', "Same year", 0.01, 0.03),
            _else(0.02, 0.9642),
        ]},
        {"output_column_name": "ni", "comparison_description": "National Insurance number", "comparison_levels": [
            _null("ni"),
            # u by the number's frequency: random sampling cannot see how rarely two people share a number (a
            # million pairs held none), so it kept the starting 1e-5 however many people the register holds
            _level('"ni_l" = "ni_r"', "Same", 0.90, 0.00001, tf="ni"),
            _level('damerau_levenshtein("ni_l", "ni_r") <= 1', "One character different or transposed", 0.06,
                   0.0001),
            _else(0.04, 0.99989),
        ]},
        {"output_column_name": "postcode", "comparison_description": "Postcode", "comparison_levels": [
            _null("postcode"),
            _level('"postcode_l" = "postcode_r"', "Same", 0.40, 0.0005, tf="postcode"),
            _level('"postcode_sector_l" = "postcode_sector_r"', "Same sector", 0.10, 0.003),
            _level('damerau_levenshtein("postcode_l", "postcode_r") <= 1', "One character different or transposed",
                   0.04, 0.002),
            _level('"postcode_district_l" = "postcode_district_r"', "Same district", 0.10, 0.02),
            _else(0.40, 0.9765),
        ]},
        {"output_column_name": "address", "comparison_description": "Address", "comparison_levels": [
            _null("address"),
            _level('"address_l" = "address_r"', "Same", 0.40, 0.0005),
            _level(_jw("address", 0.90), "Nearly the same", 0.10, 0.005),
            _else(0.50, 0.9945),
        ]},
        {"output_column_name": "town", "comparison_description": "Town", "comparison_levels": [
            _null("town"),
            _level('"town_l" = "town_r"', "Same", 0.60, 0.02),
            _level(_jw("town", 0.90), "Nearly the same", 0.10, 0.01),
            _else(0.30, 0.97),
        ]},
    ]
    if with_pnc:
        out.append({"output_column_name": "pnc", "comparison_description": "PNC ID", "comparison_levels": [
            _null("pnc"), _level('"pnc_l" = "pnc_r"', "Same", 0.95, 0.00001), _else(0.05, 0.99999)]})
    return out


FIELD_LABELS = {"given_name": "Given name", "surname": "Family name", "dob": "Date of birth",
                "ni": "National Insurance number", "postcode": "Postcode", "address": "Address", "town": "Town",
                "pnc": "PNC ID"}

# Blocking rules for predictions, chosen for recall: a true pair needs to agree on only one of them.
BLOCKING_RULES = [
    # date of birth with one more thing in common: date of birth alone gave 5.5 million of the 9.4 million pairs
    # of a million registrants x 100,000 partner rows (most of the time spent scoring), nearly all of them strangers
    'l."dob" = r."dob" AND l."given_initial" = r."given_initial"',
    'l."dob" = r."dob" AND l."surname_initial" = r."surname_initial"',
    'l."dob" = r."dob" AND l."postcode_district" = r."postcode_district"',
    # a phonetic surname with most of the date of birth: a typo in the day, or (with the given name's initial) the
    # day and month swapped. Together a sixth of the pairs phonetic surname + year of birth gave, which was most of
    # all the pairs scored. (Day and month with a year out added one false lead to the planted set: a year out is
    # found by the name and NI rules.)
    'l."surname_mp" = r."surname_mp" AND l."dob_ym" = r."dob_ym"',
    'l."surname_mp" = r."surname_mp" AND l."dob_year" = r."dob_year" AND l."given_initial" = r."given_initial"',
    'l."ni" = r."ni"',
    'l."postcode" = r."postcode" AND l."given_initial" = r."given_initial"',
    'l."given_name" = r."given_name" AND l."surname" = r."surname"',
    'l."given_canon" = r."given_canon" AND l."surname_mp" = r."surname_mp"',
    'l."surname" = r."surname" AND l."postcode_district" = r."postcode_district"',
    'l."given_name" = r."given_name" AND l."postcode_district" = r."postcode_district"',
    'l."given_name" = r."surname" AND l."surname" = r."given_name"',
]
DETERMINISTIC_RULES: list[Any] = [
    'l."given_name" = r."given_name" AND l."surname" = r."surname" AND l."dob" = r."dob"',
    'l."ni" = r."ni" AND l."dob" = r."dob"',
]
# Expectation maximisation, one session per list: each session's block fixes some fields (their m cannot be
# estimated in it) and the sessions between them leave every field out once. A block is worth training on only when
# enough of its pairs are matches (Splink's advice: between 1% and 99%). At 100,000 registrants x 20,000 partner rows
# a date-of-birth block holds ~110,000 pairs of which ~150 match (0.14%), and EM then finds some other "class"
# (people sharing a common given name) and calls it the matches. So each list runs from wide to narrow and the first
# block whose expected share of matches (the prior x both sides' sizes, over the block's pairs) reaches
# MIN_MATCH_SHARE is used; the narrowest is the last resort, and a session that fails (no pairs: the extract carries
# no NI numbers) moves on to the next block. An NI number shared by two records almost always means one person.
EM_BLOCKS = [
    ['l."ni" = r."ni"', 'l."surname" = r."surname" AND l."given_name" = r."given_name"'],
    ['l."dob" = r."dob"', 'l."dob" = r."dob" AND l."surname_mp" = r."surname_mp"',
     'l."dob" = r."dob" AND l."surname_mp" = r."surname_mp" AND l."given_initial" = r."given_initial"'],
]
MIN_MATCH_SHARE = 0.01
M_FLOOR = 0.001  # no level is impossible for a true match: EM's 1e-12 would let one field veto everything else


BACKEND_ENV = "TETHER_LINKAGE_BACKEND"
BACKENDS = ("duckdb", "spark")
# The SQL above is written for DuckDB; on Spark identifiers are quoted with backticks and Splink's bundled Scala
# functions (registered from the jar shipped inside the splink package) stand in for DuckDB's.
_SPARK_FUNCTIONS = {"jaro_winkler_similarity(": "jaro_winkler(", "damerau_levenshtein(": "damerau_levenshtein("}


def backend_name(name: str | None = None) -> str:
    """The backend to run on: ``name``, else ``TETHER_LINKAGE_BACKEND``, else DuckDB in process."""
    chosen = (name or os.environ.get(BACKEND_ENV) or "duckdb").strip().lower()
    if chosen not in BACKENDS:
        raise ValueError(f"{BACKEND_ENV} must be one of: {', '.join(BACKENDS)} (not {chosen!r})")
    return chosen


def spark_sql(sql: str) -> str:
    """One of this module's DuckDB conditions as Spark SQL (they quote identifiers only, never a text value)."""
    for duck, spark in _SPARK_FUNCTIONS.items():
        sql = sql.replace(duck, spark)
    return sql.replace('"', "`")


def _rewrite(model: dict[str, Any], fn: Callable[[str], str]) -> dict[str, Any]:
    import copy

    out = copy.deepcopy(model)
    out.pop("sql_dialect", None)
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("sql_dialect", None)
            if level.get("sql_condition") not in (None, "ELSE"):
                level["sql_condition"] = fn(level["sql_condition"])
    out["blocking_rules_to_generate_predictions"] = [
        fn(r["blocking_rule"] if isinstance(r, dict) else r)
        for r in out.get("blocking_rules_to_generate_predictions", [])]
    return out


def _duckdb_sql(sql: str) -> str:
    for duck, spark in _SPARK_FUNCTIONS.items():
        sql = sql.replace(spark, duck)
    return sql.replace("`", '"')


def for_dialect(model: dict[str, Any], dialect: str) -> dict[str, Any]:
    """A model (settings, trained or not) with its SQL written for ``dialect`` ("duckdb" or "spark"): a model
    trained on one backend runs on the other."""
    return _rewrite(model, spark_sql if dialect == "spark" else _duckdb_sql)


def as_duckdb(model: dict[str, Any]) -> dict[str, Any]:
    """A model as stored: its SQL in DuckDB's dialect whichever backend ran it (a saved model runs on either)."""
    if model.get("sql_dialect") != "spark":
        return model
    return {**for_dialect(model, "duckdb"), "sql_dialect": "duckdb"}


_SPARK: Any = None


def spark_session(memory: str | None = None) -> Any:
    """One local Spark session per process (``local[2]``): Splink's similarity functions from the jar shipped inside
    the splink package, no web UI, nothing fetched from the network (no packages, no Ivy resolution), scratch
    files in a temporary directory."""
    global _SPARK
    if _SPARK is not None:
        return _SPARK
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # the driver listens on loopback only
    scratch = tempfile.mkdtemp(prefix="tether-spark-")
    builder = (SparkSession.builder.master("local[2]").appName("tether-linkage")
               .config("spark.jars", similarity_jar_location())
               .config("spark.driver.memory", memory or os.environ.get("TETHER_SPARK_MEMORY", "3g"))
               .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "4").config("spark.default.parallelism", "4")
               .config("spark.local.dir", scratch).config("spark.sql.warehouse.dir", scratch + "/warehouse")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.extraJavaOptions", f"-Dderby.system.home={scratch}"))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(scratch + "/checkpoints")
    _SPARK = session
    return session


def database(name: str | None = None) -> Any:
    """A Splink database API for the backend (``backend_name``): a new in-process DuckDB, or the local Spark
    session."""
    if backend_name(name) == "spark":
        from splink.backends.spark import SparkAPI

        return SparkAPI(spark_session=spark_session(), break_lineage_method="persist",  # type: ignore[no-untyped-call]
                        num_partitions_on_repartition=4)
    from splink import DuckDBAPI

    return DuckDBAPI()


def _dialect(db: Any) -> str:
    return "spark" if "spark" in str(db.sql_dialect.sql_dialect_str) else "duckdb"


LinkType = Literal["link_only", "dedupe_only"]
LINK_ONLY: LinkType = "link_only"
DEDUPE_ONLY: LinkType = "dedupe_only"
_OTHER_GROUP = ' AND l."group_id" <> r."group_id"'


def rule(sql: str, link_type: LinkType = LINK_ONLY) -> str:
    """A blocking rule as run: deduplicating, two rows of one group (one person's names and addresses) are never
    a pair."""
    return sql + _OTHER_GROUP if link_type == DEDUPE_ONLY else sql


def settings(prior: float = 1e-4, with_pnc: bool = False, link_type: LinkType = LINK_ONLY) -> dict[str, Any]:
    return {
        "link_type": link_type,
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": prior,
        "blocking_rules_to_generate_predictions": [rule(r, link_type) for r in BLOCKING_RULES],
        "comparisons": comparisons(with_pnc),
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
    }


# --- running it ----------------------------------------------------------------------------------------------


RAW_COLUMNS = ("unique_id", "group_id", "given_name", "surname", "dob", "ni", "pnc", "address", "town", "postcode")
Records = Sequence[dict[str, Any]] | Any  # a list of records, or an Arrow table with (some of) RAW_COLUMNS


def _raw(rows: Records) -> dict[str, Any]:
    """The input's columns as Arrow string arrays, each value as ``prepare`` reads it (``str`` of anything not
    text; an NI number or PNC ID that is empty or false is none)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    n = _count(rows)
    out: dict[str, Any] = {}
    if isinstance(rows, pa.Table):
        for name in RAW_COLUMNS:
            if name not in rows.column_names:
                out[name] = pa.nulls(n, pa.string())
                continue
            column = rows[name].combine_chunks() if isinstance(rows[name], pa.ChunkedArray) else rows[name]
            out[name] = column if pa.types.is_string(column.type) else pc.cast(column, pa.string())
        if "group_id" not in rows.column_names:
            out["group_id"] = out["unique_id"]
        return out

    def text(values: Iterable[Any]) -> Any:
        return pa.array([v if v is None or v.__class__ is str else str(v) for v in values], pa.string())

    for name in ("given_name", "surname", "dob", "address", "town", "postcode"):
        out[name] = text(r.get(name) for r in rows)
    for name in ("ni", "pnc"):
        out[name] = text((r.get(name) or None) for r in rows)
    out["unique_id"] = text(r["unique_id"] for r in rows)
    out["group_id"] = text((r.get("group_id") or r["unique_id"]) for r in rows)
    return out


def _per_value(column: Any, derive: Callable[[str], tuple[str | None, ...]], width: int) -> list[Any]:
    """``derive`` applied to each distinct value of an Arrow string column once (names, towns and postcodes repeat:
    a million registrants hold some tens of thousands of each), as ``width`` columns; none stays none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(column)
    derived = [derive(v) for v in encoded.dictionary.to_pylist()]
    return [pa.array([d[k] for d in derived], pa.string()).take(encoded.indices) for k in range(width)]


def _identifier(column: Any) -> Any:
    """An NI number or PNC ID as ``prepare`` reads it: capitals and digits only, none when nothing is left."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pc.all(pc.string_is_ascii(column)).as_py() is not False:  # ASCII: the same as Python's upper() and regex
        kept = pc.replace_substring_regex(pc.utf8_upper(column), pattern="[^A-Z0-9]", replacement="")
        return pc.if_else(pc.equal(kept, ""), pa.scalar(None, pa.string()), kept)
    [out] = _per_value(column, lambda v: (_NOT_ALNUM.sub("", v.upper()) or None,), 1)
    return out


def _given_keys(value: str) -> tuple[str | None, ...]:
    given = _clean_text(value)
    return given, canonical_given(given), (given[0] if given else None)


def _surname_all(value: str) -> tuple[str | None, ...]:
    surname = _clean_text(value)
    return (surname, surname[0], *_surname_keys(surname)) if surname else (None, None, None, None, None)


def _dob_keys(value: str) -> tuple[str | None, ...]:
    dob = _clean_text(value)
    return (dob, dob[:4], dob[:7]) if dob else (None, None, None)


def _table(rows: Records) -> Any:
    """The records prepared for linkage as an Arrow table of ``COLUMNS`` (the same values as ``prepare`` gives
    each record), worked out column by column: each distinct name, date of birth, address and postcode once.
    A million registrants take about a second and a half of CPU, not the 13 s of preparing them one by one."""
    import pyarrow as pa

    raw = _raw(rows)
    given, canon, initial = _per_value(raw["given_name"], _given_keys, 3)
    surname, surname_initial, surname_mp, surname_first, surname_last = _per_value(raw["surname"], _surname_all, 5)
    dob, dob_year, dob_ym = _per_value(raw["dob"], _dob_keys, 3)
    postcode, sector, district = _per_value(raw["postcode"], lambda v: _postcode_parts(v), 3)
    [address] = _per_value(raw["address"], lambda v: (_clean_text(v),), 1)
    [town] = _per_value(raw["town"], lambda v: (_clean_text(v),), 1)
    columns = {
        "unique_id": raw["unique_id"], "group_id": raw["group_id"], "given_name": given, "given_canon": canon,
        "given_initial": initial, "surname": surname, "surname_initial": surname_initial, "surname_mp": surname_mp,
        "surname_first": surname_first,
        "surname_last": surname_last, "dob": dob, "dob_year": dob_year, "dob_ym": dob_ym,
        "ni": _identifier(raw["ni"]), "pnc": _identifier(raw["pnc"]), "address": address, "town": town,
        "postcode": postcode, "postcode_sector": sector, "postcode_district": district,
    }
    return pa.table({name: columns[name] for name in COLUMNS})


def _count(rows: Records) -> int:
    return int(rows.num_rows) if hasattr(rows, "num_rows") else len(rows)


def _quiet() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


class Options(TypedDict, total=False):
    """How a run trains and scores (``link`` and ``dedupe`` alike): ``model`` a saved model's settings (nothing is
    trained); ``seed`` and ``max_u_pairs`` for u by random sampling; pairs under ``floor`` are dropped;
    ``backend`` a Splink database API, or a backend's name ("duckdb", "spark"; default ``TETHER_LINKAGE_BACKEND``,
    else a new in-process DuckDB)."""

    model: dict[str, Any] | None
    seed: int
    max_u_pairs: float
    floor: float
    progress: Callable[[str], None] | None
    backend: Any


def link(left: Records, right: Records, **options: Unpack[Options]) -> Result:
    """Score every blocked pair of ``left`` (the register) and ``right`` (an extract): lists of records, or Arrow
    tables of their columns (``RAW_COLUMNS``)."""
    if not _count(left) or not _count(right):
        return Result([], options.get("model") or settings(), [], _count(left), _count(right))
    return _score([left, right], LINK_ONLY, **options)


def dedupe(records: Records, **options: Unpack[Options]) -> Result:
    """Score every blocked pair of rows within ``records`` whose ``group_id`` differ (the same model, blocking
    and training as ``link``); ``left_id`` is the lesser unique id of a pair."""
    if _count(records) < 2:
        return Result([], options.get("model") or settings(link_type=DEDUPE_ONLY), [], _count(records),
                      _count(records))
    return _score([records], DEDUPE_ONLY, **options)


def _score(
    sides: list[Records],
    link_type: LinkType,
    *,
    model: dict[str, Any] | None = None,
    seed: int = 2025,
    max_u_pairs: float = 1e6,
    floor: float = CANDIDATE_FLOOR,
    progress: Callable[[str], None] | None = None,
    backend: Any = None,
) -> Result:
    _quiet()
    step = progress or (lambda _s: None)
    db = backend if backend is not None and not isinstance(backend, str) else database(backend)
    dialect = _dialect(db)
    step("preparing the records")
    tables = [_table(side) for side in sides]
    names = ["a_register", "b_extract"] if link_type == LINK_ONLY else ["register"]
    # each run's own table names (one Spark session serves every run in a process), shown under plain names
    suffix = f"_{uuid.uuid4().hex[:8]}" if dialect == "spark" else ""
    dfs = [db.register(t, table_name=n + suffix, dataset_display_name=n) for t, n in zip(tables, names, strict=True)]
    try:
        return _train_and_score(db, dfs, dialect, tables, sides, link_type, model=model, seed=seed,
                                max_u_pairs=max_u_pairs, floor=floor, step=step)
    finally:
        if dialect == "spark":
            _release_spark(db, [n + suffix for n in names])


def _release_spark(db: Any, names: list[str]) -> None:
    """Free what a Spark run cached (its persisted intermediate tables) and drop its input views."""
    for name in names:
        db.spark.catalog.dropTempView(name)
    db.spark.catalog.clearCache()


def _train_and_score(db: Any, dfs: list[Any], dialect: str, tables: list[Any], sides: list[Records],
                     link_type: LinkType, *, model: dict[str, Any] | None, seed: int, max_u_pairs: float,
                     floor: float, step: Callable[[str], None]) -> Result:
    from splink import Linker

    with_pnc = all(_has_any(t, "pnc") for t in tables)
    n_left, n_right = tables[0].num_rows, tables[-1].num_rows
    # candidate pairs: every left x right row linking; every unordered pair of rows deduplicating
    all_pairs = n_left * n_right if link_type == LINK_ONLY else n_left * (n_left - 1) / 2
    prior = _default_prior(n_left, n_right)
    trained: list[str] = []
    if model is not None:
        linker = Linker(dfs, for_dialect(model, dialect), log_level=logging.ERROR)
        trained.append("saved model")
    else:
        linker = Linker(dfs, for_dialect(settings(prior=prior, with_pnc=with_pnc, link_type=link_type), dialect),
                        log_level=logging.ERROR)
        if min(n_left, n_right) >= MIN_TO_TRAIN:
            step("estimating the prior")
            try:
                linker.training.estimate_probability_two_random_records_match(
                    [_sql(rule(r, link_type), dialect) for r in DETERMINISTIC_RULES], recall=0.7)
                estimated = linker.misc.save_model_to_json()["probability_two_random_records_match"]
                if not estimated or estimated <= 1e-9:  # no deterministic matches at all: keep the default
                    raise ValueError("no deterministic matches")
                trained.append("prior from deterministic rules")
            except Exception:
                linker._settings_obj._probability_two_random_records_match = prior
                logging.getLogger(__name__).info("prior kept at its default")
            step("estimating u by random sampling")
            linker.training.estimate_u_using_random_sampling(max_pairs=max_u_pairs, seed=seed)
            trained.append("u from random sampling")
            expected = linker.misc.save_model_to_json()["probability_two_random_records_match"] * all_pairs
            for blocks in EM_BLOCKS:
                for i, plain in enumerate(blocks):
                    block = _sql(rule(plain, link_type), dialect)
                    in_block = _pairs(dfs, plain, block, link_type, db, tables)
                    if not in_block or (expected / in_block < MIN_MATCH_SHARE and i < len(blocks) - 1):
                        continue  # too few of its pairs would be matches: a narrower block
                    step(f"expectation maximisation blocked on {plain}")
                    # Splink's EM session edits the linker's settings in place before it trains (it drops the
                    # comparisons the block uses and sets the prior to the block's); only a session that
                    # finishes puts them back. Without this copy a failed session would leave the model with
                    # no date-of-birth comparison and a prior thousands of times too high.
                    before = linker._settings_obj.core_model_settings.copy()  # type: ignore[no-untyped-call]
                    try:
                        linker.training.estimate_parameters_using_expectation_maximisation(
                            block, estimate_without_term_frequencies=True, record_sample_proportion=1.0)
                        trained.append(f"m by EM ({plain})")
                        break
                    except Exception as exc:
                        linker._settings_obj.core_model_settings = before
                        logging.getLogger(__name__).info("EM blocked on %s failed: %s", plain, exc)
            if any(t.startswith("m by EM") for t in trained):
                linker = Linker(dfs, floored(_portable(linker.misc.save_model_to_json())), log_level=logging.ERROR)
        else:
            trained.append("starting parameters (too few records to train)")
    step("scoring pairs")
    predictions = linker.inference.predict(threshold_match_probability=floor)
    rows = predictions.as_record_list()
    saved = as_duckdb(linker.misc.save_model_to_json())
    pairs = [
        Pair(str(r["unique_id_l"]), str(r["unique_id_r"]), float(r["match_probability"]), float(r["match_weight"]),
             explain(r, saved))
        for r in rows
    ]
    pairs.sort(key=lambda p: (-p.probability, p.left_id, p.right_id))
    return Result(pairs, saved, trained, n_left, n_right)


def _sql(sql: str, dialect: str) -> str:
    return spark_sql(sql) if dialect == "spark" else sql


def _portable(model: dict[str, Any]) -> dict[str, Any]:
    """A model saved by Splink, ready to build a new linker on the same backend (the dialect key dropped)."""
    out = dict(model)
    out.pop("sql_dialect", None)
    return out


_EQUAL = re.compile(r'^l\."(\w+)" = r\."\1"$')


def _pairs(dfs: list[Any], plain: str, block: str, link_type: LinkType, db: Any = None,
           tables: list[Any] | None = None) -> int:
    """The pairs a block gives. On DuckDB, a block of columns equal on both sides is counted from the size of each
    key's group on each side (a million registrants' date-of-birth block: some millions of pairs, counted without
    making them); otherwise Splink makes the pairs and counts them."""
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    keys = [_EQUAL.match(part.strip()) for part in plain.split(" AND ")]
    if db is not None and tables is not None and hasattr(db, "duckdb_con") and all(keys):
        columns = [k.group(1) for k in keys if k]
        con = db.duckdb_con.cursor()
        try:
            for i, t in enumerate(tables):
                con.register(f"__tether_side_{i}", t.select([*columns, "group_id"]))
            cols = ", ".join(f'"{c}"' for c in columns)
            known = " AND ".join(f'"{c}" IS NOT NULL' for c in columns)

            def sizes(i: int, by: str) -> str:
                # the column names come from this module's own blocking rules, never from input
                return f"SELECT {by}, count(*) AS n FROM __tether_side_{i} WHERE {known} GROUP BY {by}"  # noqa: S608

            if link_type == LINK_ONLY:
                sql = (f"SELECT coalesce(sum(a.n * b.n), 0) FROM ({sizes(0, cols)}) a "  # noqa: S608
                       f"JOIN ({sizes(1, cols)}) b USING ({cols})")
            else:  # unordered pairs sharing the key, less those within one group
                sql = (f"SELECT coalesce((SELECT sum(n * (n - 1) / 2) FROM ({sizes(0, cols)})), 0) - "  # noqa: S608
                       f"coalesce((SELECT sum(n * (n - 1) / 2) FROM ({sizes(0, cols + ', group_id')})), 0)")
            return int(con.sql(sql).fetchall()[0][0])
        finally:
            con.close()
    [counted] = count_comparisons_from_blocking_rules(dfs, blocking_rules=block, link_type=link_type,
                                                      record_sample_proportion=1.0)
    return int(counted["marginal_comparison_count"])


def floored(model: dict[str, Any]) -> dict[str, Any]:
    """The model with every level's m at least ``M_FLOOR`` (the null levels carry none)."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            m = level.get("m_probability")
            if isinstance(m, (int, float)) and m < M_FLOOR:
                level["m_probability"] = M_FLOOR
    return model


def _has_any(table: Any, column: str) -> bool:
    return bool(table.column(column).null_count < table.num_rows)


def _default_prior(n_left: int, n_right: int) -> float:
    """About one match per register record expected among the extract rows it could pair with."""
    return min(0.5, max(1e-7, 1.0 / max(1, n_right)))


def levels_by_gamma(comparison: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """Splink numbers a comparison's levels: the null level -1, the rest from n-1 (first) down to 0 (else)."""
    levels = comparison["comparison_levels"]
    scored = [lv for lv in levels if not lv.get("is_null_level")]
    out = {-1: next((lv for lv in levels if lv.get("is_null_level")), {"label_for_charts": "Not held"})}
    for i, lv in enumerate(scored):
        out[len(scored) - 1 - i] = lv
    return out


def explain(row: dict[str, Any], model: dict[str, Any]) -> list[dict[str, Any]]:
    """The waterfall as rows: the prior, then each comparison's level, its values and its match weight
    (with the term-frequency adjustment folded in and shown)."""
    import math

    prior = float(model.get("probability_two_random_records_match") or 1e-4)
    out: list[dict[str, Any]] = [{
        "field": "prior", "label": "Starting point", "level": "Two records picked at random",
        "left": None, "right": None, "match_weight": round(math.log2(prior / (1 - prior)), 2),
        "tf_adjustment": 0.0,
        "text": "Before any field is compared, two records picked at random are very unlikely to be the same person.",
    }]
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        gamma = row.get(f"gamma_{name}")
        if gamma is None:
            continue
        level = levels_by_gamma(comparison).get(int(gamma), {})
        weight = float(row.get(f"mw_{name}") or 0.0)
        tf = float(row.get(f"mw_tf_adj_{name}") or 0.0)
        label = str(level.get("label_for_charts", ""))
        total = weight + tf
        out.append({
            "field": name, "label": FIELD_LABELS.get(name, name), "level": label,
            "left": row.get(f"{name}_l"), "right": row.get(f"{name}_r"),
            "match_weight": round(total, 2), "tf_adjustment": round(tf, 2),
            "text": _sentence(FIELD_LABELS.get(name, name), label, total, tf),
        })
    return out


def _sentence(field_label: str, level: str, weight: float, tf: float) -> str:
    if level.startswith("Not held"):
        return f"{field_label}: not held on one side, so it says nothing either way."
    if abs(weight) < 0.05:
        how = "makes no difference"
    elif weight >= 1:
        how = f"makes a match {2 ** weight:,.0f} times more likely"
    elif weight > 0:
        how = "makes a match a little more likely"
    elif weight <= -1:
        how = f"makes a match {2 ** -weight:,.0f} times less likely"
    else:
        how = "makes a match a little less likely"
    extra = ""
    if tf > 0.05:
        extra = " (a rare value, so agreeing on it counts for more)"
    elif tf < -0.05:
        extra = " (a common value, so agreeing on it counts for less)"
    return f"{field_label}: {level.lower()}: {how}{extra}."


# --- training m from officers' decisions -----------------------------------------------------------------------

LABEL_WEIGHT = 20.0  # the model's current m counts as this many labelled pairs: a few decisions move it a little
MIN_LABELS = 10  # labelled matches needed before a model is trained from them


@dataclass
class Labelled:
    """A pair an officer decided: the register's values (left), the partner's or the other record's (right), and
    whether they are one person."""

    left: dict[str, Any]
    right: dict[str, Any]
    match: bool


@dataclass
class Trained:
    model: dict[str, Any]
    matches: int
    non_matches: int
    # pairs at or above the threshold before and after: matches found, non-matches still offered
    before: dict[str, int]
    after: dict[str, int]
    changed: list[dict[str, Any]]  # each level whose m moved: comparison, level, m before and after


def _label_tables(pairs: Sequence[Labelled]) -> tuple[Any, Any]:
    left = [{**p.left, "unique_id": f"{i:06d}", "group_id": f"l{i}"} for i, p in enumerate(pairs)]
    right = [{**p.right, "unique_id": f"{i:06d}", "group_id": f"r{i}"} for i, p in enumerate(pairs)]
    return _table(left), _table(right)


def score_pairs(model: dict[str, Any], pairs: Sequence[Labelled]) -> list[float]:
    """Each pair's match probability under ``model`` (the pairs as given: no blocking), on DuckDB."""
    from splink import DuckDBAPI, Linker

    if not pairs:
        return []
    _quiet()
    db = DuckDBAPI()
    left, right = _label_tables(pairs)
    dfs = [db.register(left, table_name="a_register"), db.register(right, table_name="b_extract")]
    own = {**for_dialect(model, "duckdb"), "link_type": LINK_ONLY,
           "blocking_rules_to_generate_predictions": ['l."unique_id" = r."unique_id"']}
    linker = Linker(dfs, own, log_level=logging.ERROR)
    rows = linker.inference.predict().as_record_list()
    got = {str(r["unique_id_l"]): float(r["match_probability"]) for r in rows}
    return [got.get(f"{i:06d}", 0.0) for i in range(len(pairs))]


def train_from_labels(model: dict[str, Any], pairs: Sequence[Labelled], *,
                      threshold: float = DEFAULT_THRESHOLD) -> Trained:
    """A new model from ``model`` with each m re-estimated from the labelled matches (Splink's
    ``estimate_m_from_pairwise_labels``), blended with the current m as if it were ``LABEL_WEIGHT`` labelled pairs
    (a level no labelled pair fell in keeps some of its m), and floored. u, the prior and the blocking stay as they
    are: decisions on offered leads are not a random sample of non-matches, so the rejected pairs are only used to
    report how many the new model would still offer. Raises ValueError below ``MIN_LABELS`` matches."""
    import pyarrow as pa
    from splink import DuckDBAPI, Linker

    matches = [p for p in pairs if p.match]
    if len(matches) < MIN_LABELS:
        raise ValueError(f"at least {MIN_LABELS} accepted pairs are needed to train (there are {len(matches)})")
    _quiet()
    db = DuckDBAPI()
    left, right = _label_tables(matches)
    dfs = [db.register(left, table_name="a_register"), db.register(right, table_name="b_extract")]
    base = for_dialect(model, "duckdb")
    linker = Linker(dfs, {**base, "link_type": LINK_ONLY}, log_level=logging.ERROR)
    labels = pa.table({"source_dataset_l": ["a_register"] * len(matches),
                       "unique_id_l": [f"{i:06d}" for i in range(len(matches))],
                       "source_dataset_r": ["b_extract"] * len(matches),
                       "unique_id_r": [f"{i:06d}" for i in range(len(matches))]})
    linker.table_management.register_table(labels, "__tether_labels", overwrite=True)
    linker.training.estimate_m_from_pairwise_labels("__tether_labels")  # type: ignore[no-untyped-call]
    new = copy_model(model)
    changed = []
    held = {c["output_column_name"]: sum(1 for p in matches if _both_hold(p, c["output_column_name"]))
            for c in new["comparisons"]}
    for comparison, estimated in zip(new["comparisons"], linker._settings_obj.comparisons, strict=True):
        name = comparison["output_column_name"]
        scored = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        learnt = list(estimated._comparison_levels_excluding_null)
        n = held[name]
        for level, cl in zip(scored, learnt, strict=True):
            numeric = [r["probability"] for r in cl._trained_m_probabilities
                       if isinstance(r["probability"], (int, float))]
            from_labels = float(numeric[-1]) if numeric else 0.0
            old = float(level.get("m_probability") or M_FLOOR)
            m = max(M_FLOOR, (n * from_labels + LABEL_WEIGHT * old) / (n + LABEL_WEIGHT)) if n else old
            if abs(m - old) > 1e-9:
                changed.append({"comparison": name, "level": level.get("label_for_charts", ""),
                                "m_before": round(old, 6), "m_after": round(m, 6), "labelled_pairs": n})
            level["m_probability"] = m

    def offered(m: dict[str, Any]) -> dict[str, int]:
        scores = score_pairs(m, pairs)
        return {"matches_found": sum(1 for p, s in zip(pairs, scores, strict=True) if p.match and s >= threshold),
                "non_matches_offered": sum(1 for p, s in zip(pairs, scores, strict=True)
                                           if not p.match and s >= threshold)}

    return Trained(new, len(matches), len(pairs) - len(matches), offered(model), offered(new), changed)


def copy_model(model: dict[str, Any]) -> dict[str, Any]:
    import copy

    return copy.deepcopy(model)


def _both_hold(pair: Labelled, field_name: str) -> bool:
    return prepare({**pair.left, "unique_id": "x"}).get(field_name) is not None and \
        prepare({**pair.right, "unique_id": "x"}).get(field_name) is not None
