"""How the workbench says things, in English and Chinese: labels, symbols, numbers and sentences.

One vocabulary for the GUI, the memo, the workbook and the command line (ui, io and cli import it;
it imports only the engine). Nothing here formats a string that is later parsed back.
"""

from workbench.wording.engine_words import (  # noqa: F401
    classification_text, criterion_phrase, licence_reasons, met_phrases, nearest_text, note_text, reason_text,
    sentence, value_text)
from workbench.wording.labels import (  # noqa: F401
    PRECISION, THROUGHPUT, confidence_label, field_label, history_label, letter_status_label, metric_label,
    missing_words, policy_label, regime_status_label, result_label)
from workbench.wording.licence import licence_text, position_text  # noqa: F401
from workbench.wording.numbers import date_text, fmt_num, fmt_pct, margin_number, quantity  # noqa: F401
from workbench.wording.symbols import METRIC_SHORT, OP_WORDS, OPS, op_symbol, short_metric  # noqa: F401
from workbench.wording.text import hyphen_lines, shorten, tidy  # noqa: F401
