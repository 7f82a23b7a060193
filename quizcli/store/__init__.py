"""The progress store: the only package that reads or writes progress."""

from quizcli.clock import fmt_time, parse_time
from quizcli.store.backup import EXPORT_FORMAT, EXPORT_VERSION, ImportResult
from quizcli.store.cards import card_from_dict, card_from_json, card_from_row, card_to_dict, card_to_json
from quizcli.store.connection import Store, flagger, open_store, overrider, recorder, skipper
from quizcli.store.stats_queries import TopicTotals
from quizcli.store.files import BUSY_TIMEOUT_MS, ENV_DB, db_path
from quizcli.store.schema import (APPLICATION_ID, MIGRATIONS, SCHEMA_VERSION, create_aggregate_triggers,
                                  drop_aggregate_triggers, recount_aggregates)

__all__ = [
    "APPLICATION_ID", "BUSY_TIMEOUT_MS", "ENV_DB", "EXPORT_FORMAT", "EXPORT_VERSION", "ImportResult", "MIGRATIONS",
    "SCHEMA_VERSION", "Store", "TopicTotals", "card_from_dict", "card_from_json", "card_from_row", "card_to_dict",
    "card_to_json", "create_aggregate_triggers", "db_path", "drop_aggregate_triggers", "fmt_time", "open_store",
    "flagger", "overrider", "parse_time", "recorder", "recount_aggregates", "skipper",
]
