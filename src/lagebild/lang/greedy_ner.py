"""The CNN's entity recogniser decoded with numpy: the same entities as spaCy's transition loop, in less CPU time.

spaCy's greedy loop for `ner` (the 3.8 wheels, built with Cython 3) takes and drops the GIL in every validity check
of every token, where `perf` finds most of the recogniser's time. `NumpyNER` runs the same network layers on the same
sub-batches as `Parser.pipe`, scores every token in the state with no entity open at once (with blis, as the loop
does), and replays the BILUO transition rules of `spacy/pipeline/_parser_internals/ner.pyx` in Python only where an
entity opens. Docs that already carry entities, models with unseen classes or other feature sets go to spaCy's loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import numpy
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from thinc.api import NumpyOps

BEGIN, IN, LAST, UNIT, OUT = "B", "I", "L", "U", "O"
_BLIS = NumpyOps()  # thinc's own CPU ops: gemm through blis, as the parser's C loop computes its scores


class NumpyNER:
    """Drop-in for a loaded spaCy `EntityRecognizer` in prediction: same `pipe` batches, same entities."""

    def __init__(self, ner: Any) -> None:
        self.ner = ner
        self.model = ner.model
        self.name = ner.name
        moves = ner.moves
        names = [moves.get_class_name(i) for i in range(moves.n_moves)]
        self.actions = [(name[0], name[2:]) if "-" in name else (name, "") for name in names]
        self.label_ids = [ner.vocab.strings.add(label) if label else 0 for _, label in self.actions]
        lower, upper = self.model.get_ref("lower"), self.model.get_ref("upper")
        self.n_pieces = lower.get_dim("nP")
        self.supported = (lower.get_dim("nF") == 3 and self.model.attrs.get("has_upper", False)
                          and not self.model.attrs.get("unseen_classes") and ner.cfg.get("beam_width", 1) == 1
                          and upper.get_dim("nO") == len(names))
        self.bias = lower.get_param("b")
        self.upper_w, self.upper_b = upper.get_param("W"), upper.get_param("b")
        kinds = numpy.array([kind for kind, _ in self.actions])
        labelled = numpy.array([label_id != 0 for label_id in self.label_ids])
        self.is_out = kinds == OUT
        self.is_begin = (kinds == BEGIN) & labelled
        self.is_unit = (kinds == UNIT) & labelled
        self.continuing = {(label_id, kind): i for i, ((kind, _), label_id) in enumerate(zip(self.actions, self.label_ids))
                           if kind in (IN, LAST) and label_id}

    def __getattr__(self, name: str) -> Any:
        """Everything else (labels, cfg, moves, scoring) from the wrapped recogniser."""
        if name == "ner":
            raise AttributeError(name)
        return getattr(self.ner, name)

    def __call__(self, doc: Doc) -> Doc:
        """One Doc, as `Parser.__call__` does it (a sub-batch of one)."""
        self._annotate([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """The Docs in order, decoded in the sub-batches `Parser.pipe` forms (sorted by length, a quarter each)."""
        iterator = iter(docs)
        while batch := list(islice(iterator, batch_size)):
            by_length = sorted(batch, key=len)
            size = max(batch_size // 4, 2)
            for start in range(0, len(by_length), size):
                self._annotate(by_length[start:start + size])
            yield from batch

    def _annotate(self, docs: list[Doc]) -> None:
        if not self.supported or any(doc.to_array(ENT_IOB).any() for doc in docs):
            self.ner.set_annotations(docs, self.ner.predict(docs))  # preset entities: spaCy's own loop
            return
        if not any(len(doc) for doc in docs):
            entities: list[list[tuple[int, int, int]]] = [[] for _ in docs]
        else:
            entities = self._decode(docs)
        for doc, found in zip(docs, entities):
            doc.set_ents([Span(doc, start, end, label=label) for start, end, label in found], default="outside")

    def _decode(self, docs: list[Doc]) -> list[list[tuple[int, int, int]]]:
        """The entities of each Doc of one sub-batch: (start, end, label id)."""
        tokvecs = self.model.layers[0].predict(docs)
        cached = self.model.layers[1].predict(tokvecs)  # row 0: padding; row t + 1: token t; (nF, nO, nP) each
        closed = self._scores(cached[1:, 0], cached[0, 1], cached[0, 2])
        found = []
        offset = 0  # each Doc's rows: cached[offset + t + 1] for its token t (its row 0 is never read)
        for doc in docs:
            n = len(doc)
            found.append(self._walk(doc, closed[offset:offset + n], cached[offset:offset + n + 1]))
            offset += n
        return found

    def _scores(self, first: numpy.ndarray, second: numpy.ndarray, third: numpy.ndarray) -> numpy.ndarray:
        """Class scores of states from their three feature rows, in the float order of spaCy's `predict_states`."""
        unmaxed = numpy.zeros(numpy.broadcast_shapes(first.shape, second.shape, third.shape), dtype="f")
        unmaxed += first
        unmaxed += second
        unmaxed += third
        unmaxed += self.bias
        if self.n_pieces == 2:  # thinc's Vec.arg_max: the second piece on a tie
            hidden = numpy.where(unmaxed[..., 0] > unmaxed[..., 1], unmaxed[..., 0], unmaxed[..., 1])
        else:
            hidden = unmaxed[..., 0]
            for piece in range(1, self.n_pieces):
                hidden = numpy.where(unmaxed[..., piece] > hidden, unmaxed[..., piece], hidden)
        scores = _BLIS.gemm(numpy.ascontiguousarray(hidden.reshape(-1, hidden.shape[-1])), self.upper_w, trans2=True)
        scores += self.upper_b
        return scores

    def _walk(self, doc: Doc, closed: numpy.ndarray, cached: numpy.ndarray) -> list[tuple[int, int, int]]:
        """Replay the transitions over one Doc: closed-state choices at once, an open entity token by token."""
        n = len(doc)
        if n == 0:
            return []
        flags = doc.to_array([SENT_START, IS_SPACE])
        starts_next = numpy.zeros(n, dtype=bool)
        starts_next[:-1] = flags[1:, 0] == 1
        space = flags[:, 1].astype(bool)
        may_begin = ~starts_next & ~space
        may_begin[-1] = False  # the last token cannot begin: its buffer holds fewer than two
        valid = self.is_out | (may_begin[:, None] & self.is_begin) | (~space[:, None] & self.is_unit)
        choice = numpy.where(valid, closed, -numpy.inf).argmax(axis=1)  # the first best, as arg_max_if_valid
        opening = numpy.flatnonzero(~self.is_out[choice]).tolist()
        found: list[tuple[int, int, int]] = []
        resume = 0
        for t in opening:
            if t < resume:
                continue
            kind = self.actions[choice[t]][0]
            label = self.label_ids[choice[t]]
            if kind == UNIT:
                found.append((t, t + 1, label))
                resume = t + 1
                continue
            end = self._entity_end(t, label, n, starts_next, cached)
            found.append((t, end, label))
            resume = end
        return found

    def _entity_end(self, start: int, label: int, n: int, starts_next: numpy.ndarray, cached: numpy.ndarray) -> int:
        """Where the entity opened at `start` closes: In or Last at each next token, whichever scores higher."""
        inside, last = self.continuing[(label, IN)], self.continuing[(label, LAST)]
        t = start + 1
        while True:
            stop = min(n, t + 8)  # scores for the next few tokens at once; the entity start is fixed
            scores = self._scores(cached[t + 1:stop + 1, 0], cached[start + 1, 1], cached[t:stop, 2])
            for row, token in enumerate(range(t, stop)):
                may_continue = token < n - 1 and not starts_next[token]
                if not may_continue:
                    return token + 1
                first, second = (inside, last) if inside < last else (last, inside)
                best = second if scores[row, second] > scores[row, first] else first
                if best == last:
                    return token + 1
            t = stop


def use_numpy_ner(nlp: Language) -> bool:
    """Put `NumpyNER` in the place of the pipeline's `ner` component; False where there is none to replace."""
    if "ner" not in nlp.pipe_names:
        return False
    index = nlp.component_names.index("ner")
    name, ner = nlp._components[index]
    nlp._components[index] = (name, NumpyNER(ner))  # keeps the name, config and meta of the loaded component
    return True
