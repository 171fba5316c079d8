"""Fine-tuning and export of the accurate model (torch; a training extra, never imported at run time)."""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from collections.abc import Collection
from pathlib import Path
from typing import Any, cast

import numpy as np
import torch
from torch import nn

from ..accurate.embed import EmbeddingTable
from ..accurate.image import dequantise
from ..accurate.labels import IGNORE, TAGS, spans, viterbi
from .accurate_recipe import Recipe
from .accurate_requant import requantise

SAMPLE_STEPS = 12  # a recipe check, not a model
LAYER_PARTS = {"q": "query", "k": "key", "v": "value", "ao": "attn_out", "fi": "ffn_in", "fo": "ffn_out"}


class Layer(nn.Module):
    """One post-LayerNorm BERT layer, written out so the ONNX graph stays plain."""

    def __init__(self, hidden: int, heads: int, ffn: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))
        self.attn_out = nn.Linear(hidden, hidden)
        self.attn_norm = nn.LayerNorm(hidden, eps=eps)
        self.ffn_in = nn.Linear(hidden, ffn)
        self.ffn_out = nn.Linear(ffn, hidden)
        self.out_norm = nn.LayerNorm(hidden, eps=eps)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        batch, length, hidden = x.shape
        size = hidden // self.heads

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, self.heads, size).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(size) + bias
        context = torch.matmul(self.dropout(torch.softmax(scores, dim=-1)), v)
        context = context.transpose(1, 2).reshape(batch, length, hidden)
        x = self.attn_norm(x + self.dropout(self.attn_out(context)))
        ff = self.ffn_out(nn.functional.gelu(self.ffn_in(x)))
        return self.out_norm(x + self.dropout(ff))


class Tagger(nn.Module):
    """Encoder layers plus a linear tag classifier over the input layer's vectors."""

    def __init__(self, shape: dict[str, float], n_tags: int, dropout: float = 0.1) -> None:
        super().__init__()
        hidden, heads, ffn, eps = int(shape["hidden"]), int(shape["heads"]), int(shape["ffn"]), float(shape["eps"])
        self.layers = nn.ModuleList(Layer(hidden, heads, ffn, eps, dropout) for _ in range(int(shape["layers"])))
        self.dropout = nn.Dropout(dropout)
        self.classifier = nn.Linear(hidden, n_tags)

    def forward(self, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        bias = (1.0 - mask[:, None, None, :]) * -10000.0
        for layer in self.layers:
            hidden = layer(hidden, bias)
        return self.classifier(self.dropout(hidden))


class InputLayer(nn.Module):
    """The frozen input layer, equal to `EmbeddingTable.__call__`."""

    def __init__(self, table: EmbeddingTable) -> None:
        super().__init__()
        self.word = nn.Embedding.from_pretrained(torch.from_numpy(table.word_rows()), freeze=True)
        self.position: torch.Tensor
        self.register_buffer("position", torch.from_numpy(table.position + table.token_type))
        self.norm = nn.LayerNorm(table.hidden, eps=table.eps)
        self.norm.weight.data = torch.from_numpy(table.ln_weight.copy())
        self.norm.bias.data = torch.from_numpy(table.ln_bias.copy())
        self.requires_grad_(False)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.norm(self.word(ids) + self.position[: ids.shape[1]])


def load_base(model: Tagger, layers_path: Path, shape: dict[str, float]) -> None:
    """Copy the pretrained layer weights (Q4_0 bytes or float32) into the tagger."""
    hidden, ffn = int(shape["hidden"]), int(shape["ffn"])
    dims = {"q": (hidden, hidden), "k": (hidden, hidden), "v": (hidden, hidden), "ao": (hidden, hidden),
            "fi": (ffn, hidden), "fo": (hidden, ffn)}
    with np.load(layers_path) as data:
        for i, layer in enumerate(model.layers):
            for short, attr in LAYER_PARTS.items():
                linear = getattr(layer, attr)
                raw = data[f"l{i}.{short}.w"]
                from ..accurate.image import Q4_BLOCK

                weight = dequantise(raw.view(Q4_BLOCK), *dims[short])
                linear.weight.data = torch.from_numpy(weight)
                linear.bias.data = torch.from_numpy(data[f"l{i}.{short}.b"].copy())
            block = cast(Layer, layer)
            for short, norm in (("aln", block.attn_norm), ("oln", block.out_norm)):
                norm.weight.data = torch.from_numpy(data[f"l{i}.{short}.w"].copy())
                norm.bias.data = torch.from_numpy(data[f"l{i}.{short}.b"].copy())


def load_onnx(model: Tagger, path: Path) -> None:
    """Dequantise an exported int8 encoder back into the tagger's float32 parameters (a fit's starting point)."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    inits = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    params = dict(model.named_parameters())
    loaded = set()
    for name, value in inits.items():
        if name in params:
            params[name].data = torch.from_numpy(value.astype(np.float32))
            loaded.add(name)
    for node in graph.node:
        module = node.output[0].lstrip("/").split("/MatMul")[0].replace("/", ".") + ".weight"
        if node.op_type == "MatMulInteger":
            weight = node.input[1].removesuffix("_quantized")
            zero = inits[node.input[3]].astype(np.float32) if len(node.input) > 3 and node.input[3] else 0.0
            q = inits[node.input[1]].astype(np.float32) - zero  # per-row graphs (accurate_requant) have no zero point
            params[module].data = torch.from_numpy((q * inits[weight + "_scale"]).T.copy())
            loaded.add(module)
        elif node.op_type == "MatMul" and node.input[1] in inits:  # a layer the export kept float32
            params[module].data = torch.from_numpy(inits[node.input[1]].astype(np.float32).T.copy())
            loaded.add(module)
    missing = set(params) - loaded
    if missing:
        raise ValueError(f"{path}: no weights for {', '.join(sorted(missing)[:3])}")


class Sequences:
    """The encoded sequences of one split, batched by length."""

    def __init__(self, data: np.lib.npyio.NpzFile, prefix: str, pad: int, skip: Collection[int] = frozenset()) -> None:
        self.ids = data[f"{prefix}_ids"]
        self.labels = data[f"{prefix}_labels"]
        self.offsets = data[f"{prefix}_offsets"]
        corpus = data[f"{prefix}_corpus"]
        self.rows = [i for i in range(len(self.offsets) - 1) if int(corpus[i]) not in skip]
        self.pad = pad

    def __len__(self) -> int:
        return len(self.rows)

    def batches(self, size: int, rng: random.Random | None) -> list[list[int]]:
        """Index batches of similar length, shuffled when `rng` is given."""
        lengths = np.diff(self.offsets)
        order = sorted(self.rows, key=lambda i: (lengths[i], rng.random() if rng else i))
        batches = [order[i : i + size] for i in range(0, len(order), size)]
        if rng:
            rng.shuffle(batches)
        return batches

    def tensors(self, batch: list[int], device: str) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        length = max(int(self.offsets[i + 1] - self.offsets[i]) for i in batch)
        ids = np.full((len(batch), length), self.pad, np.int64)
        labels = np.full((len(batch), length), IGNORE, np.int64)
        mask = np.zeros((len(batch), length), np.float32)
        for row, i in enumerate(batch):
            start, end = self.offsets[i], self.offsets[i + 1]
            ids[row, : end - start] = self.ids[start:end]
            labels[row, : end - start] = self.labels[start:end]
            mask[row, : end - start] = 1.0
        return (torch.from_numpy(ids).to(device), torch.from_numpy(labels).to(device), torch.from_numpy(mask).to(device))


def _setup(recipe: Recipe) -> tuple[Tagger, InputLayer, dict[str, float], int]:
    base = recipe.work_dir / "base"
    shape = json.loads((base / "shape.json").read_text())
    shape["layers"] = min(int(shape["layers"]), recipe.layers)  # a smaller student keeps the bottom layers
    table = EmbeddingTable.load(base / "embeddings.npz")
    pad = json.loads((base / "pieces.json").read_text())["specials"]["pad"]
    model = Tagger(shape, len(TAGS))
    if (base / "start.onnx").exists():
        load_onnx(model, base / "start.onnx")
    else:
        load_base(model, base / "layers.npz", shape)
    return model.to(recipe.device), InputLayer(table).to(recipe.device), shape, pad


def fit(recipe: Recipe) -> Path:
    """Fine-tune, scoring the dev sets after each epoch (and every `eval_every` steps); resumes from a checkpoint."""
    torch.manual_seed(recipe.seed)
    if recipe.device == "cpu":
        torch.set_num_threads(recipe.threads)  # 1 on a busy shared machine: spinning BLAS threads cost more
    model, inputs, _, pad = _setup(recipe)
    prepared = json.loads((recipe.work_dir / "prepared.json").read_text())
    names = prepared["recipe"]["corpora"]
    skip = {names.index(n) for n in recipe.skip_corpora if n in names}
    with np.load(recipe.work_dir / "prepared.npz") as data:
        train, devs = Sequences(data, "train", pad, skip), DevSets.read(data, pad)
    batches_per_epoch = math.ceil(len(train) / recipe.batch_size)
    total = batches_per_epoch * recipe.epochs
    if recipe.sample:
        total = min(total, SAMPLE_STEPS)
    optimiser = torch.optim.AdamW(trainable(model, recipe.train_layers), lr=recipe.learning_rate, weight_decay=0.01)
    warm = max(1, int(total * recipe.warmup))
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min((s + 1) / warm, max(0.0, (total - s) / (total - warm))))
    state: dict[str, Any] = {"step": 0, "best_f1": -1.0, "history": []}
    checkpoint = recipe.work_dir / "checkpoint.pt"
    if checkpoint.exists():
        saved = torch.load(checkpoint, map_location=recipe.device, weights_only=False)
        model.load_state_dict(saved["model"])
        optimiser.load_state_dict(saved["optimiser"])
        schedule.load_state_dict(saved["schedule"])
        state = saved["state"]
        print(f"resuming at step {state['step']} of {total}", flush=True)
    print(f"{len(train)} training sequences, {batches_per_epoch} steps an epoch, {total} steps", flush=True)
    saver = Saver(recipe, model, inputs, devs, optimiser, schedule, state)
    if recipe.start_from and not state["history"]:
        saver.score(0)  # the starting model on the same dev sets, in the same code path
    loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE)
    use_bf16 = recipe.device.startswith("cuda")
    started = time.time()
    while state["step"] < total:
        epoch, done = divmod(state["step"], batches_per_epoch)
        if recipe.eval_every and 0 < state["step"] and state["step"] % recipe.eval_every == 0 \
                and saver.last_scored() < state["step"]:
            saver.score(epoch)  # an evaluation the interruption cut short
        model.train()
        for batch in train.batches(recipe.batch_size, random.Random(recipe.seed + epoch))[done:]:
            ids, labels, mask = train.tensors(batch, recipe.device)
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=use_bf16):
                logits = model(inputs(ids), mask)
            loss = loss_fn(logits.float().view(-1, len(TAGS)), labels.view(-1))
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            state["step"] += 1
            if state["step"] >= total or state["step"] % batches_per_epoch == 0:
                break
            if state["step"] % 10 == 0:
                print(f"step {state['step']}/{total} loss {loss.item():.4f} {time.time() - started:.0f}s", flush=True)
            if state["step"] % recipe.checkpoint_every == 0:
                saver.save()
            if recipe.eval_every and state["step"] % recipe.eval_every == 0:
                saver.score(state["step"] / batches_per_epoch)
        saver.score(epoch + 1)
    (recipe.work_dir / "fit.json").write_text(json.dumps(state, indent=1), encoding="utf-8")
    return recipe.work_dir / "best.pt"


def trainable(model: Tagger, top_layers: int) -> list[nn.Parameter]:
    """The parameters a fit updates: all, or (top_layers > 0) the top layers and the classifier, the rest frozen."""
    if top_layers:
        for layer in model.layers[: len(model.layers) - top_layers]:
            layer.requires_grad_(False)
    return [p for p in model.parameters() if p.requires_grad]


def float_nodes(path: Path, top_layers: int, n_layers: int) -> list[str]:
    """The MatMul nodes of the top layers and the classifier, kept float32 by the export."""
    import onnx

    prefixes = ("/classifier/", *(f"/layers.{i}/" for i in range(n_layers - top_layers, n_layers)))
    graph = onnx.load(str(path)).graph
    return [n.name for n in graph.node if n.op_type == "MatMul" and n.name.startswith(prefixes)]


class DevSets:
    """The selection sets: German dev and, where prepared, held-out English documents."""

    def __init__(self, de: Sequences, en: Sequences | None) -> None:
        self.de, self.en = de, en

    @classmethod
    def read(cls, data: Any, pad: int) -> DevSets:
        en = Sequences(data, "endev", pad) if "endev_ids" in data.files and len(data["endev_ids"]) else None
        return cls(Sequences(data, "dev", pad), en)

    def scores(self, model: Tagger, inputs: InputLayer, device: str) -> dict[str, float]:
        """Span F1 on each set and the selection score (their mean)."""
        out = {"dev_f1": evaluate(model, inputs, self.de, device)}
        if self.en is not None:
            out["en_dev_f1"] = evaluate(model, inputs, self.en, device)
        out["score"] = sum(out.values()) / len(out)
        return out


class Saver:
    """Checkpoints, dev scores and the best model of one fit."""

    def __init__(self, recipe: Recipe, model: Tagger, inputs: InputLayer, devs: DevSets, optimiser: Any,
                 schedule: Any, state: dict[str, Any]) -> None:
        self.recipe, self.model, self.inputs, self.devs = recipe, model, inputs, devs
        self.optimiser, self.schedule, self.state = optimiser, schedule, state

    def save(self) -> None:
        _save(self.recipe.work_dir / "checkpoint.pt", self.model, self.optimiser, self.schedule, self.state)

    def last_scored(self) -> int:
        return max((int(h["step"]) for h in self.state["history"]), default=-1)

    def score(self, epoch: float) -> None:
        """Score the dev sets, keep the best model, then checkpoint (so a resumed fit does not score again)."""
        scores = self.devs.scores(self.model, self.inputs, self.recipe.device)
        step = self.state["step"]
        self.state["history"].append({"epoch": round(epoch, 3), "step": step, **scores})
        print(f"step {step} epoch {epoch:.2f} " + " ".join(f"{k} {v:.4f}" for k, v in scores.items()), flush=True)
        if scores["score"] > self.state["best_f1"]:
            self.state["best_f1"] = scores["score"]
            self.state["best_step"] = step
            torch.save(self.model.state_dict(), self.recipe.work_dir / "best.pt")
        (self.recipe.work_dir / "history.json").write_text(json.dumps(self.state["history"], indent=1), encoding="utf-8")
        self.save()


def _save(path: Path, model: Tagger, optimiser: Any, schedule: Any, state: dict[str, Any]) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "optimiser": optimiser.state_dict(),
                "schedule": schedule.state_dict(), "state": state}, tmp)
    tmp.replace(path)


@torch.no_grad()
def evaluate(model: Tagger, inputs: InputLayer, dev: Sequences, device: str) -> float:
    """Exact-span F1 on the dev sequences (first pieces of words, BIO-constrained decoding)."""
    model.eval()
    tp = n_gold = n_pred = 0
    for batch in dev.batches(64, None):
        ids, labels, mask = dev.tensors(batch, device)
        log_probs = torch.log_softmax(model(inputs(ids), mask).float(), dim=-1).cpu().numpy()
        labels_np = labels.cpu().numpy()
        for row in range(len(batch)):
            first = labels_np[row] != IGNORE
            gold = spans([TAGS[t] for t in labels_np[row][first]])
            pred = spans(viterbi(log_probs[row][first]))
            tp += len(set(gold) & set(pred))
            n_gold += len(gold)
            n_pred += len(pred)
    model.train()
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _fit_settings(recipe: Recipe) -> dict[str, object]:
    """The settings that shape the fit (the export runs with the fit's options; paths are left out)."""
    keep = ("epochs", "batch_size", "learning_rate", "warmup", "seed", "device", "start_from", "english_dev",
            "train_layers")
    return {k: v for k, v in recipe.settings().items() if k in keep}


def export(recipe: Recipe) -> Path:
    """Write the model directory: int8 ONNX encoder (per-row activation quantisation), pieces, embeddings, meta.json."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    base = recipe.work_dir / "base"
    shape = json.loads((base / "shape.json").read_text())
    shape["layers"] = min(int(shape["layers"]), recipe.layers)
    model = Tagger(shape, len(TAGS))
    model.load_state_dict(torch.load(recipe.work_dir / "best.pt", map_location="cpu"))
    model.eval()
    recipe.out_dir.mkdir(parents=True, exist_ok=True)
    fp32 = recipe.work_dir / "encoder-fp32.onnx"
    example = (torch.zeros(2, 7, int(shape["hidden"])), torch.ones(2, 7))
    torch.onnx.export(model, example, str(fp32), input_names=["hidden", "mask"], output_names=["logits"],
                      dynamic_axes={"hidden": {0: "batch", 1: "length"}, "mask": {0: "batch", 1: "length"},
                                    "logits": {0: "batch", 1: "length"}}, opset_version=17, dynamo=False)
    keep = float_nodes(fp32, recipe.train_layers, int(shape["layers"])) if recipe.train_layers else []
    quantize_dynamic(str(fp32), str(recipe.out_dir / "encoder.onnx"), weight_type=QuantType.QInt8, per_channel=True,
                     nodes_to_exclude=keep)
    for name in ("pieces.json", "embeddings.npz"):
        shutil.copyfile(base / name, recipe.out_dir / name)
    history = recipe.work_dir / "history.json"  # written after every dev score, so a running fit can be exported
    fit_state = {"history": json.loads(history.read_text())} if history.exists() else {}
    prepared = json.loads((recipe.work_dir / "prepared.json").read_text())
    meta = {"tags": list(TAGS), "max_pieces": recipe.max_pieces, "layers": shape["layers"],
            "recipe": {**prepared["recipe"], **_fit_settings(recipe), "corpora": prepared["recipe"]["corpora"]},
            "sentences": prepared["sentences"], "pieces_kept": prepared["pieces_kept"],
            "dev_history": fit_state.get("history", [])}
    (recipe.out_dir / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    requantise(recipe.out_dir)  # per-row activation scales: a sentence's tags do not depend on its batch
    return recipe.out_dir
