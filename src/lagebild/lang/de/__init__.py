"""German language support: registers the news tokenizer and the UPOS tagger used by the shipped pipeline."""

from . import mood, tokenizer, upos  # noqa: F401  (registry side effects)
from .fastops import use_matmul_ops

use_matmul_ops()
